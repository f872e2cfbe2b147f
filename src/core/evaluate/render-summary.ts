/**
 * The job summary of the `evaluate` step: the same content as the PR comment, with more room
 * (GitHub accepts up to 1 MiB of summary per step), so it still holds the sections a long comment
 * had to leave out. The comment's omission notes point here.
 */
import { fitMarkdown } from '../markdown/truncate.js';
import { evaluationDocument } from './render-comment.js';
import type { EvaluationReport } from './report.js';

/**
 * Bytes of UTF-8 a summary may take: GitHub's 1 MiB per step, less room for what else the step
 * writes to the summary (an error, a note).
 */
export const jobSummaryMaxBytes = 1_000_000;

const encoder = new TextEncoder();
const utf8Bytes = (text: string): number => encoder.encode(text).length;

export function renderEvaluationSummary(
  report: EvaluationReport,
  options: { maxBytes?: number; metricsToShow?: readonly string[] } = {},
): string {
  return fitMarkdown(
    evaluationDocument(report, {
      marker: null,
      chart: true,
      ...(options.metricsToShow === undefined ? {} : { metricsToShow: options.metricsToShow }),
    }),
    {
      maxLength: options.maxBytes ?? jobSummaryMaxBytes,
      measure: utf8Bytes,
      sectionsOmittedNote: (count) =>
        `_${count} section${count === 1 ? '' : 's'} omitted to fit the job summary size limit: see the report artifact._`,
      rowsOmittedNote: (count) =>
        `_${count.toLocaleString('en-US')} more row${count === 1 ? '' : 's'} not shown: see the report artifact._`,
      cutNote: '_The rest is cut to fit the job summary size limit: see the report artifact._',
    },
  );
}
