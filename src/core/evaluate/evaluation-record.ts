/**
 * What evaluate records on its check run for publish to verify: the candidate's sha256 and the
 * sha256 of the report file it uploaded (artifact `evaluation-<model>`) before writing the check
 * run. A hidden HTML comment at the top of the check run's summary (GitHub renders nothing for
 * it; the summary is cut from its end when too long, so the first line survives). The candidate's
 * digest is also the check run's `external_id`, as before.
 */

const DIGEST = 'sha256:[0-9a-f]{64}';
const MARKER_RE = new RegExp(
  `<!-- mlops-actions:evaluation model=(${DIGEST}) report=(${DIGEST}) -->`,
);

export interface EvaluationRecord {
  /** sha256 of the evaluated model.onnx. */
  readonly model: string;
  /** sha256 of the report file's bytes, as uploaded. */
  readonly report: string;
}

export function formatEvaluationRecord(record: EvaluationRecord): string {
  return `<!-- mlops-actions:evaluation model=${record.model} report=${record.report} -->`;
}

/** The record in a check run summary, or null when there is none (not evaluate, or an older one). */
export function parseEvaluationRecord(text: string | null | undefined): EvaluationRecord | null {
  const match = MARKER_RE.exec(text ?? '');
  if (match === null) return null;
  return { model: match[1] as string, report: match[2] as string };
}
