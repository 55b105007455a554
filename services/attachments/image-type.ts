/** A photo format the web chat accepts, as its first bytes say (never the file name). */
export interface ImageType {
  contentType: 'image/jpeg' | 'image/png' | 'image/webp' | 'image/heic';
  extension: 'jpg' | 'png' | 'webp' | 'heic';
}

/** Bytes `sniffImageType` needs to tell every accepted format apart. */
export const SNIFF_BYTES = 32;

const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** ISO-BMFF brands of HEIF/HEIC stills and sequences (iPhone photos). */
const HEIC_BRANDS = new Set(['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'hevm', 'hevs']);
/** Generic HEIF brands: HEIC only when a compatible brand says so (AVIF uses them too). */
const HEIF_GENERIC = new Set(['mif1', 'msf1']);

const startsWith = (head: Uint8Array, bytes: number[], at = 0) =>
  head.length >= at + bytes.length && bytes.every((byte, i) => head[at + i] === byte);
const ascii = (head: Uint8Array, from: number, to: number) =>
  Buffer.from(head.subarray(from, to)).toString('latin1');

/**
 * JPEG, PNG, WebP or HEIC by magic bytes; undefined for anything else (a renamed script, a
 * PDF, an SVG, which can carry script). Give it at least `SNIFF_BYTES` of the file's start.
 */
export function sniffImageType(head: Uint8Array): ImageType | undefined {
  if (startsWith(head, [0xff, 0xd8, 0xff])) return { contentType: 'image/jpeg', extension: 'jpg' };
  if (startsWith(head, PNG)) return { contentType: 'image/png', extension: 'png' };
  if (ascii(head, 0, 4) === 'RIFF' && ascii(head, 8, 12) === 'WEBP')
    return { contentType: 'image/webp', extension: 'webp' };
  if (head.length >= 12 && ascii(head, 4, 8) === 'ftyp') return heicOf(head);
  return undefined;
}

/** An ISO-BMFF `ftyp` box: HEIC when its major brand, or a compatible one after a generic major, is HEIC's. */
function heicOf(head: Uint8Array): ImageType | undefined {
  const major = ascii(head, 8, 12);
  const boxEnd = Math.min(head.length, new DataView(head.buffer, head.byteOffset, 4).getUint32(0));
  const compatible: string[] = [];
  for (let at = 16; at + 4 <= boxEnd; at += 4) compatible.push(ascii(head, at, at + 4));
  const heic =
    HEIC_BRANDS.has(major) || (HEIF_GENERIC.has(major) && compatible.some((brand) => HEIC_BRANDS.has(brand)));
  return heic ? { contentType: 'image/heic', extension: 'heic' } : undefined;
}
