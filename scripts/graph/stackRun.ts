import type { ResourceRecord } from '../../infra/policy/rules';
import type { ProgramName } from './programs';

/** What a mocked run of a Pulumi program records (scripts/graph/mockedStack.ts), and how a run is asked for. */

export type RunMode = 'update' | 'preview';

/** A registered resource's URN and the URNs its `aliases` say it had before (a move that keeps its identity). */
export interface RegisteredUrn {
  urn: string;
  aliases: string[];
}

/** One registration as the engine sees it. */
export interface GraphResource extends ResourceRecord {
  urn: string;
  /** The parent's URN ('' for the stack's root). */
  parent: string;
  custom: boolean;
  dependencies: string[];
  /** For each input, the URNs of the resources its value came from. */
  propertyDependencies: Record<string, string[]>;
}

export interface StackRun {
  stack: string;
  mode: RunMode;
  resources: GraphResource[];
  urns: RegisteredUrn[];
  outputs: Record<string, unknown>;
  config: Record<string, unknown>;
  ofType(type: string): GraphResource[];
  one(type: string, nameIncludes?: string): GraphResource;
}

export interface RunOptions {
  /** Config entries that replace the stack file's (`orders:…` keys). */
  overrides?: Record<string, unknown>;
  mode?: RunMode;
  /** Which program (default: the order stacks). */
  program?: ProgramName;
}
