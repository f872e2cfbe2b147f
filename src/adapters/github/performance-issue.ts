/**
 * check-performance's issue on GitHub: the drift issue's mechanics (`drift-issue.ts`: one open
 * issue per model, found by its hidden marker among the token's own issues, updated, relabelled,
 * deduplicated, closed when resolved) with the `mlops:performance` label and its own marker.
 */
import type { PerformanceIssueTracker } from '../../core/monitor/performance-port.js';
import {
  performanceIssueMarker,
  performanceSeverityOfBody,
} from '../../core/monitor/render-performance-issue.js';
import type { PerformanceSeverity } from '../../core/monitor/performance-report.js';
import {
  createGitHubMarkedIssues,
  INVESTIGATE_LABEL,
  RETRAIN_LABEL,
  type GitHubDriftOptions,
  type MarkedIssueKind,
} from './drift-issue.js';

export const PERFORMANCE_LABEL = 'mlops:performance';

export const PERFORMANCE_ISSUE_KIND: MarkedIssueKind<PerformanceSeverity> = {
  label: PERFORMANCE_LABEL,
  noun: 'performance',
  marker: performanceIssueMarker,
  severityOfBody: performanceSeverityOfBody,
  labelStyles: {
    [PERFORMANCE_LABEL]: {
      color: 'd93f0b',
      description: 'Model performance drop found by mlops-actions check-performance',
    },
    [RETRAIN_LABEL]: { color: 'fbca04', description: 'The model should be retrained' },
    [INVESTIGATE_LABEL]: { color: 'b60205', description: 'Needs investigation' },
    'slo-broken': {
      color: 'e99695',
      description: 'A latency or error-rate objective of mlops serve is broken',
    },
  },
};

export function createGitHubPerformanceIssues(
  options: GitHubDriftOptions,
): PerformanceIssueTracker {
  return createGitHubMarkedIssues(options, PERFORMANCE_ISSUE_KIND);
}
