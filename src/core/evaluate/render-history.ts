/** The PR comment's section of metrics across released versions, the candidate drawn last. */
import type { MarkdownBlock } from '../markdown/truncate.js';
import { trainingCurveBlocks } from '../train/render-training-curves.js';
import { historyBlocks } from './metric-history.js';
import type { EvaluationReport } from './report.js';

type Details = Extract<MarkdownBlock, { kind: 'details' }>;

/** null when the report has no history, or no released version to show nor skip. */
export function historySection(report: EvaluationReport, chart = true): Details | null {
  if (report.history === undefined) return null;
  const blocks = historyBlocks(report.history, {
    current: { label: 'candidate', metrics: report.candidate.metrics.values },
    charts: chart,
  });
  if (blocks.length === 0) return null;
  const count = report.history.versions.length;
  return {
    kind: 'details',
    summary: `History: ${count} released version${count === 1 ? '' : 's'} and the candidate`,
    blocks,
  };
}

/** The candidate's training curves (losses apart from scores); null when it has none. */
export function trainingCurvesSection(report: EvaluationReport, chart = true): Details | null {
  if (report.trainingHistory === undefined) return null;
  const blocks = trainingCurveBlocks(report.trainingHistory, { charts: chart });
  if (blocks.length === 0) return null;
  const points = report.trainingHistory.points.length;
  return {
    kind: 'details',
    summary: `Training curves of the candidate (${points} ${report.trainingHistory.axis}${points === 1 ? '' : 's'})`,
    blocks,
  };
}
