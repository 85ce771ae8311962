// Sampled real-code corpus, ES module libraries (bench/corpus.js runs the whole corpus).
import test from 'ava';
import { corpusTest } from './fixtures/corpus/sample.mjs';

corpusTest(test, 'date-fns (ES modules)', 1305);
corpusTest(test, 'marked', 1306);
