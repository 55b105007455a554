import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../project-root';
import { parseFaqFile, type FaqFile } from './schema';

/** The sample knowledge base of a fictional estate, used until an operator imports their own. */
export const SAMPLE_FAQ_FILE = path.join(PROJECT_ROOT, 'nlp/knowledge/sample-faq.json');

/** Reads the shipped sample; it is part of the code, so a broken sample is a bug worth crashing on. */
export function loadSampleFaq(): FaqFile {
  const parsed = parseFaqFile(fs.readFileSync(SAMPLE_FAQ_FILE, 'utf8'));
  if (!parsed.ok) throw new Error(`the sample FAQ is invalid: ${parsed.problems.join('; ')}`);
  return parsed.file;
}
