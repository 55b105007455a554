import { sniffImageType } from '../../../services/attachments/image-type';
import { HEIC_HEAD, makePng } from '../../support/photos';

const bytes = (...parts: Array<string | number[]>) =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))));

describe('sniffImageType', () => {
  it('when the bytes start like a JPEG, PNG, WebP or HEIC, then that type is named', () => {
    expect(sniffImageType(bytes([0xff, 0xd8, 0xff, 0xe0], 'JFIF'))?.contentType).toBe('image/jpeg');
    expect(sniffImageType(makePng())?.contentType).toBe('image/png');
    expect(sniffImageType(bytes('RIFF', [1, 2, 3, 4], 'WEBPVP8 '))?.contentType).toBe('image/webp');
    expect(sniffImageType(HEIC_HEAD)).toEqual({ contentType: 'image/heic', extension: 'heic' });
  });

  it('when a generic HEIF brand lists HEIC as compatible, then it is HEIC; when it lists AVIF only, then it is refused', () => {
    const box = (major: string, compatible: string) =>
      bytes([0, 0, 0, 0x18], 'ftyp', major, [0, 0, 0, 0], compatible, [0, 0, 0, 0, 0, 0, 0, 0]);
    expect(sniffImageType(box('mif1', 'mif1heic'))?.contentType).toBe('image/heic');
    expect(sniffImageType(box('mif1', 'mif1avif'))).toBeUndefined();
    expect(sniffImageType(box('isom', 'isommp41'))).toBeUndefined(); // an MP4 video
  });

  it('when the file is a script, an SVG, a PDF or empty, then it is not a photo whatever its name', () => {
    expect(sniffImageType(Buffer.from('<script>alert(1)</script>'))).toBeUndefined();
    expect(sniffImageType(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"></svg>'))).toBeUndefined();
    expect(sniffImageType(Buffer.from('%PDF-1.7\n'))).toBeUndefined();
    expect(sniffImageType(Buffer.alloc(0))).toBeUndefined();
  });
});
