/**
 * What every benchmark returns. Figures are judged as ratios against a reference measured in
 * the same run (the machine is shared), so each row carries its comparisons.
 */
export interface Comparison {
  /** The reference, e.g. "raw better-sqlite3 floor". */
  against: string;
  /** value / reference value, oriented so that the row's own unit reads naturally. */
  ratio: number;
  referenceValue: number;
}

export interface Goal {
  text: string;
  met: boolean;
}

export interface Row {
  measure: string;
  value: number;
  unit: string;
  comparisons: Comparison[];
  goal?: Goal;
  note?: string;
}

export interface BenchResult {
  id: string;
  title: string;
  rows: Row[];
  /** One line for the console. */
  summary: string;
  /** Size parameters and raw numbers behind the rows. */
  details: Record<string, unknown>;
  rssMb: number;
  seconds: number;
}

export interface BenchOptions {
  quick: boolean;
  /** A scratch directory for DB files (removed by the runner). */
  workDir: string;
}

export type BenchFn = (options: BenchOptions) => Promise<Omit<BenchResult, 'seconds'>>;
