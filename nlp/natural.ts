/**
 * The one place ownerbot loads `natural`. Everything in `nlp/` imports natural's parts from here.
 *
 * natural's storage back-ends call `require('dotenv').config()` when they load, and dotenv 17
 * prints a banner on stdout unless DOTENV_CONFIG_QUIET is set; the classify CLI owns stdout
 * (one JSON line per input), so the variable is set before anything of natural is required.
 */
process.env.DOTENV_CONFIG_QUIET ??= 'true';

type Natural = typeof import('natural');

/*
 * Only the parts we use are required, by path: the package index also loads WordNet, the Brill
 * tagger and the storage back-ends (about half a second, plus dotenv reading ./.env into
 * process.env), which would break the "start from a cached model in under a second" promise.
 */
/* eslint-disable @typescript-eslint/no-require-imports -- must run after the line above; imports are hoisted */
const stemmers = require('natural/lib/natural/stemmers/porter_stemmer') as Natural['PorterStemmer'];
const tfidf = require('natural/lib/natural/tfidf') as { TfIdf: Natural['TfIdf'] };
const distance = require('natural/lib/natural/distance') as {
  DamerauLevenshteinDistance: Natural['DamerauLevenshteinDistance'];
};
const phonetics = require('natural/lib/natural/phonetics') as { Metaphone: Natural['Metaphone'] };
const classifiers = require('natural/lib/natural/classifiers') as {
  BayesClassifier: Natural['BayesClassifier'];
};
/* eslint-enable @typescript-eslint/no-require-imports */

/** natural's Porter stemmer (English). */
export const PorterStemmer = stemmers;
/** natural's TF-IDF index; feed it token arrays, never Chinese strings. */
export const TfIdf = tfidf.TfIdf;
/** Edit distance counting a swap of neighbours as one edit ("smoek" is one edit from "smoke"). */
export const DamerauLevenshteinDistance = distance.DamerauLevenshteinDistance;
/** natural's Metaphone: English words that sound alike share a key ("elevater", "elevator"). */
export const metaphone = new phonetics.Metaphone();
/** natural's naive Bayes classifier; ownerbot feeds it sparse token observations (see intent-model.ts). */
export const BayesClassifier = classifiers.BayesClassifier;
