/** The training step summary: what was trained, where, how long, on which GPUs, and its metrics. */
import { markdownTable } from 'markdown-table';
import { codeSpan, escapeMarkdownCell } from '../markdown/escape.js';
import type { Manifest } from '../manifest/manifest.js';
import { renderBlocks } from '../markdown/truncate.js';
import type { TrainingHistory } from './metrics-history.js';
import { trainingCurveBlocks } from './render-training-curves.js';

export interface TrainingSummaryInput {
  readonly manifest: Manifest;
  readonly modelPath: string;
  readonly gpuUsage: {
    readonly samples: number;
    readonly peakMemoryMiB: Readonly<Record<number, number>>;
    readonly meanUtilizationPercent: Readonly<Record<number, number>>;
  } | null;
  readonly artifact: { name: string; id: number | null } | null;
  /** Per-step metrics from `metrics-history.jsonl`, drawn as training curves. */
  readonly trainingHistory?: TrainingHistory | null;
}

export function renderTrainingSummary(input: TrainingSummaryInput): string {
  const { manifest } = input;
  const how = manifest.training.builtin
    ? `built-in \`${manifest.training.builtin}\``
    : `${codeSpan(manifest.training.command ?? '')}`;
  const lines = [
    `### 🏋️ Trained ${escapeMarkdownCell(manifest.model.name)}`,
    '',
    `${how} with seed ${manifest.training.seed} in ${manifest.training.durationSeconds.toFixed(1)} s → ${codeSpan(input.modelPath)} (\`${manifest.model.file.digest}\`, ${manifest.model.file.bytes.toLocaleString('en-US')} bytes).`,
    '',
  ];
  const gpus = manifest.environment.gpus;
  if (gpus.length > 0) {
    lines.push(
      markdownTable([
        ['GPU', 'Memory', 'Driver', 'CUDA', 'Peak memory used', 'Mean utilisation'],
        ...gpus.map((gpu, index) => [
          escapeMarkdownCell(gpu.name),
          gpu.memoryMiB === null ? '—' : `${gpu.memoryMiB} MiB`,
          gpu.driver ?? '—',
          gpu.cuda ?? '—',
          input.gpuUsage?.peakMemoryMiB[index] === undefined
            ? '—'
            : `${input.gpuUsage.peakMemoryMiB[index]} MiB`,
          input.gpuUsage?.meanUtilizationPercent[index] === undefined
            ? '—'
            : `${input.gpuUsage.meanUtilizationPercent[index].toFixed(0)} %`,
        ]),
      ]),
      '',
    );
  } else {
    lines.push('No GPU was used.', '');
  }
  const metrics = Object.entries(manifest.metrics);
  if (metrics.length > 0) {
    lines.push(
      markdownTable(
        [
          ['Metric (reported by training)', 'Value'],
          ...metrics.map(([name, value]) => [escapeMarkdownCell(name), formatNumber(value)]),
        ],
        {
          align: ['l', 'r'],
        },
      ),
      '',
    );
  }
  const curves = input.trainingHistory == null ? [] : trainingCurveBlocks(input.trainingHistory);
  if (curves.length > 0) lines.push('#### Training curves', '', renderBlocks(curves), '');
  if (input.artifact) {
    lines.push(
      input.artifact.id === null
        ? `Artifact ${codeSpan(input.artifact.name)} not uploaded (not running inside GitHub Actions).`
        : `Model, manifest and metrics uploaded as artifact ${codeSpan(input.artifact.name)}.`,
      '',
    );
  }
  return lines.join('\n');
}

function formatNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toPrecision(6).replace(/\.?0+$/, '');
}
