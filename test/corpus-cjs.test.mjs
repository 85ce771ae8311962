// Sampled real-code corpus, CommonJS libraries (bench/corpus.js runs the whole corpus).
import test from 'ava';
import { corpusTest } from './fixtures/corpus/sample.mjs';

corpusTest(test, 'lodash', 1301);
corpusTest(test, 'date-fns (CommonJS)', 1302);
corpusTest(test, 'decimal.js', 1303);
corpusTest(test, 'semver', 1304);
