/**
 * What a FunctionRecord says about where its function lives (store/record-source.ts), for the
 * commands: through the store library, which the CLI loads only when a command needs the store.
 */
import type { DependencyNode, Explanation } from '../explanation';
import type { FunctionRecord } from '../store';
import { storeLibrary } from './context';

export function storedExplanation(record: FunctionRecord): Explanation | undefined {
  return storeLibrary().storedExplanation(record);
}

export function locationFile(location: DependencyNode['location']): string | undefined {
  return storeLibrary().locationFile(location);
}

export function recordSource(record: FunctionRecord): string | undefined {
  return storeLibrary().recordSource(record);
}
