/**
 * Parsers for what `nvidia-smi` prints, and the `CUDA_VISIBLE_DEVICES` selection rules. Pure: the
 * adapter in `adapters/gpu` runs the program and hands the text here, so every rule below is tested
 * on outputs people pasted or captured on real machines (test/fixtures/nvidia-smi).
 *
 * Facts these parsers rely on, each seen in those fixtures:
 * - `--format=csv` separates values with ", " and never quotes them; an empty value is possible
 *   (`, ,`). Product names contain spaces but no commas.
 * - A missing value reads `[N/A]`, `[Not Supported]`, `[Requested functionality has been
 *   deprecated]` (any bracketed text), or a bare `N/A` on some older drivers and fields.
 * - There is no `--query-gpu` field for the CUDA version: it is printed by `nvidia-smi --version`,
 *   `nvidia-smi -q` and the table header. Driver 610 renamed it "CUDA UMD Version" (and the driver
 *   version "KMD Version"), keeping the old line only as a deprecation note.
 * - With MIG enabled, `--query-gpu` lists the physical GPU (utilization `[N/A]`); the MIG devices
 *   appear only in `nvidia-smi -L` and in the table's "MIG devices" section.
 */

/** The fields `probeGpus` asks for, in this order. */
export const GPU_QUERY_FIELDS = [
  'index',
  'name',
  'uuid',
  'memory.total',
  'memory.used',
  'utilization.gpu',
  'driver_version',
] as const;

/** The fields one sample of the GPU sampler asks for: only what changes during training. */
export const SAMPLE_QUERY_FIELDS = ['index', 'memory.used', 'utilization.gpu'] as const;

/** Arguments that make nvidia-smi print `fields` as header-less, unit-less CSV. */
export function queryGpuArgs(fields: readonly string[]): string[] {
  return [`--query-gpu=${fields.join(',')}`, '--format=csv,noheader,nounits'];
}

/** One GPU as `probeGpus` reports it; the `train` action's `gpus` output is built from these. */
export interface GpuInfo {
  /** nvidia-smi's index (PCI bus order), not necessarily CUDA's device number. */
  readonly index: number;
  readonly uuid: string;
  readonly name: string;
  /** Total memory; null where the GPU has none of its own to report (GB10 unified memory, MIG). */
  readonly memoryMiB: number | null;
  readonly driver: string | null;
  /** Highest CUDA version the driver supports (not the toolkit the job uses); null if unknown. */
  readonly cuda: string | null;
  /** Set when `CUDA_VISIBLE_DEVICES` selected a MIG device of this GPU rather than the whole GPU. */
  readonly mig?: { readonly uuid: string; readonly profile: string | null };
}

/** The `gpus` output of the `train` action: a JSON array of these. */
export interface GpuOutputEntry {
  readonly name: string;
  readonly memoryMiB: number | null;
  readonly driver: string | null;
  readonly cuda: string | null;
}

export function toGpusOutput(gpus: readonly GpuInfo[]): GpuOutputEntry[] {
  return gpus.map(({ name, memoryMiB, driver, cuda }) => ({ name, memoryMiB, driver, cuda }));
}

// ---------------------------------------------------------------------------------------------
// CSV (`--query-gpu ... --format=csv[,noheader][,nounits]`)

export type QueryRecord = Readonly<Record<string, string | null>>;

export interface ParsedQuery<T> {
  readonly rows: T[];
  /**
   * Lines that are not rows of the query. nvidia-smi mixes messages into its output, for instance
   * "Unable to determine the device handle for GPU0000:A1:00.0: Unknown Error" for a GPU that fell
   * off the bus while the others are listed, or "No devices were found".
   */
  readonly unparsed: string[];
}

/** The cell's text, or null when nvidia-smi says it has no value. */
export function cellText(raw: string | null | undefined): string | null {
  if (raw === null || raw === undefined) return null;
  const text = raw.trim();
  if (text === '' || text === 'N/A' || /^\[.*\]$/.test(text)) return null;
  return text;
}

const NUMBER_WITH_UNIT = /^(-?\d+(?:\.\d+)?)(?:\s*(?:MiB|%|W|MHz|us|ms))?$/;

/** A numeric cell, with or without its unit (`81559` and `81559 MiB` both read 81559). */
export function cellNumber(raw: string | null | undefined): number | null {
  const text = cellText(raw);
  if (text === null) return null;
  const match = NUMBER_WITH_UNIT.exec(text);
  return match?.[1] !== undefined ? Number(match[1]) : null;
}

/** Cells as printed, spaces kept, so that a name folded back together keeps its own. */
function splitCells(line: string): string[] {
  return line.split(',');
}

/** `memory.total [MiB]` → `memory.total`. */
function headerName(cell: string): string {
  return cell.replace(/\s*\[[^\]]*\]$/, '').toLowerCase();
}

const FREE_TEXT_FIELDS = ['name', 'gpu_name'];

/**
 * Fits the cells of one line to the field names. nvidia-smi does not quote, so if a product name
 * ever held a comma the line would have extra cells; they are folded back into the name, the only
 * free-text field we ask for. Any other count mismatch means the line is not a row.
 */
function fitCells(cells: string[], fields: readonly string[]): string[] | null {
  if (cells.length === fields.length) return cells.map((cell) => cell.trim());
  const nameAt = fields.findIndex((field) => FREE_TEXT_FIELDS.includes(field));
  if (cells.length < fields.length || nameAt < 0) return null;
  const extra = cells.length - fields.length;
  const name = cells.slice(nameAt, nameAt + extra + 1).join(',');
  return [...cells.slice(0, nameAt), name, ...cells.slice(nameAt + extra + 1)].map((cell) =>
    cell.trim(),
  );
}

/**
 * Parses `--query-gpu` CSV into records keyed by field name (values as printed, `null` where
 * missing). With `fields`, a header line matching them is skipped if present (so `noheader` is
 * optional); without, the first line must be the header and names the fields.
 */
export function parseQueryCsv(text: string, fields?: readonly string[]): ParsedQuery<QueryRecord> {
  const { rows, unparsed } = parseQueryLines(text, fields);
  return { rows: rows.map((row) => row.record), unparsed };
}

interface SourcedRecord {
  readonly record: QueryRecord;
  /** The line it came from, to quote when the record turns out unusable. */
  readonly line: string;
}

function parseQueryLines(
  text: string,
  fields: readonly string[] | undefined,
): { rows: SourcedRecord[]; unparsed: string[] } {
  const lines = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
  let names = fields?.map((field) => field.toLowerCase());
  let start = 0;
  const first = lines[0];
  if (first !== undefined) {
    const header = splitCells(first).map((cell) => headerName(cell.trim()));
    if (names === undefined) {
      names = header;
      start = 1;
    } else if (header.length === names.length && header.every((name, i) => name === names?.[i])) {
      start = 1;
    }
  }
  const rows: SourcedRecord[] = [];
  const unparsed: string[] = [];
  for (const line of lines.slice(start)) {
    const cells = names ? fitCells(splitCells(line), names) : null;
    if (!cells || !names) {
      unparsed.push(line);
      continue;
    }
    const record: Record<string, string | null> = {};
    names.forEach((name, i) => {
      record[name] = cellText(cells[i]);
    });
    rows.push({ record, line });
  }
  return { rows, unparsed };
}

/** One row of the `GPU_QUERY_FIELDS` query. */
export interface GpuQueryRow {
  readonly index: number;
  readonly name: string;
  readonly uuid: string;
  readonly memoryTotalMiB: number | null;
  readonly memoryUsedMiB: number | null;
  readonly utilizationPercent: number | null;
  readonly driver: string | null;
}

function recordIndex(record: QueryRecord): number | null {
  const index = cellNumber(record['index']);
  return index !== null && Number.isInteger(index) && index >= 0 ? index : null;
}

/**
 * Reads a GPU row from a record of any field set holding at least index, name and uuid (the short
 * query, or a full `--query-gpu=<every field>` capture). Accepts the field aliases nvidia-smi
 * documents (`gpu_name`, `gpu_uuid`) and driver 610's `kmd_version`.
 */
export function toGpuQueryRow(record: QueryRecord): GpuQueryRow | null {
  const index = recordIndex(record);
  const name = record['name'] ?? record['gpu_name'] ?? null;
  const uuid = record['uuid'] ?? record['gpu_uuid'] ?? null;
  if (index === null || name === null || uuid === null) return null;
  return {
    index,
    name,
    uuid,
    memoryTotalMiB: cellNumber(record['memory.total']),
    memoryUsedMiB: cellNumber(record['memory.used']),
    utilizationPercent: cellNumber(record['utilization.gpu']),
    driver: record['kmd_version'] ?? record['driver_version'] ?? null,
  };
}

/** Parses the output of `nvidia-smi` run with `queryGpuArgs(GPU_QUERY_FIELDS)`. */
export function parseGpuQuery(text: string): ParsedQuery<GpuQueryRow> {
  const parsed = parseQueryLines(text, GPU_QUERY_FIELDS);
  const rows: GpuQueryRow[] = [];
  const unparsed = [...parsed.unparsed];
  for (const { record, line } of parsed.rows) {
    const row = toGpuQueryRow(record);
    if (row) rows.push(row);
    else unparsed.push(line);
  }
  return { rows, unparsed };
}

/** One GPU in one sample of the sampler. */
export interface GpuSample {
  readonly index: number;
  readonly memoryUsedMiB: number | null;
  readonly utilizationPercent: number | null;
}

/** Parses the output of `nvidia-smi` run with `queryGpuArgs(SAMPLE_QUERY_FIELDS)`. */
export function parseSampleQuery(text: string): ParsedQuery<GpuSample> {
  const parsed = parseQueryLines(text, SAMPLE_QUERY_FIELDS);
  const rows: GpuSample[] = [];
  const unparsed = [...parsed.unparsed];
  for (const { record, line } of parsed.rows) {
    const index = recordIndex(record);
    if (index === null) {
      unparsed.push(line);
      continue;
    }
    rows.push({
      index,
      memoryUsedMiB: cellNumber(record['memory.used']),
      utilizationPercent: cellNumber(record['utilization.gpu']),
    });
  }
  return { rows, unparsed };
}

// ---------------------------------------------------------------------------------------------
// Versions (`nvidia-smi --version`, `nvidia-smi -q`, the table header)

/*
 * One pattern covers the three places, both spellings, and both separators:
 *   --version:    "CUDA Version        : 13.1"   /  "CUDA UMD version    : 13.3"
 *   -q:           "CUDA Version    : 13.3 [Deprecated; ...]"
 *   table header: "CUDA Version: 12.4"  /  "CUDA UMD Version: 13.3"
 * The value must look like a version: driver 610's "CUDA version : Deprecated, see ..." and
 * "CUDA Version : Not Found" yield nothing.
 */
const CUDA_VERSION = /\bCUDA(\s+UMD)?\s+Version\s*:\s*(\d+\.\d+)(?![\d.])/gi;
const DRIVER_VERSION = /\b(KMD|Driver)\s+Version\s*:\s*(\d+(?:\.\d+)+)/gi;

/** The value of the new spelling if present (it is the one kept from driver 610 on), else the old. */
function pickVersion(text: string, pattern: RegExp): string | null {
  let legacy: string | null = null;
  for (const match of text.matchAll(pattern)) {
    const [, renamed, value] = match;
    if (value === undefined) continue;
    if (renamed !== undefined && /^(\s+UMD|KMD)$/i.test(renamed)) return value;
    legacy ??= value;
  }
  return legacy;
}

/** The CUDA version the driver supports, from `--version`, `-q` or the table header text. */
export function parseCudaVersion(text: string): string | null {
  return pickVersion(text, CUDA_VERSION);
}

/** The driver version, from `--version`, `-q` or the table header text. */
export function parseDriverVersion(text: string): string | null {
  return pickVersion(text, DRIVER_VERSION);
}

// ---------------------------------------------------------------------------------------------
// The table (plain `nvidia-smi`), the output people paste most

export interface TableGpu {
  readonly index: number;
  /** As printed; drivers before 530 cut long names to 18 characters ending in "...". */
  readonly name: string;
  readonly nameTruncated: boolean;
  readonly busId: string;
  readonly memoryUsedMiB: number | null;
  readonly memoryTotalMiB: number | null;
  /** null when the table shows N/A (MIG mode, some drivers). */
  readonly utilizationPercent: number | null;
}

export interface ParsedTable {
  readonly driver: string | null;
  readonly cuda: string | null;
  readonly gpus: TableGpu[];
}

const TABLE_HEADER_RULE = /^\|=+\+=+\+=+\|$/;
const GPU_CELL = /^\s*(\d+)\s+(.*?)\s+(On|Off|N\/A|WDDM|TCC|MCDM)\s*$/;
const BUS_CELL = /^\s*([0-9A-Fa-f]{4,8}:[0-9A-Fa-f]{2}:[0-9A-Fa-f]{2}\.[0-9A-Fa-f])\b/;
const MEMORY_CELL = /(\d+)\s*MiB\s*\/\s*(\d+)\s*MiB/;
const UTIL_CELL = /^\s*(\d+)\s*%/;

/**
 * Parses the default `nvidia-smi` table: header versions and, per GPU, the two lines of its block
 * (index, name, bus id; then memory and utilization). Works on the narrow pre-530 layout and the
 * wide one, pasted with indentation or a prompt around it, and stops at the "MIG devices" and
 * "Processes" sections, whose rows look alike but describe other things.
 */
export function parseNvidiaSmiTable(text: string): ParsedTable {
  const lines = text.split(/\r?\n/).map((line) => line.trim());
  const gpus: TableGpu[] = [];
  let inGpuSection = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (!inGpuSection) {
      inGpuSection = TABLE_HEADER_RULE.test(line);
      continue;
    }
    if (line === '' || /MIG devices:|Processes:/.test(line)) break;
    const cells = line.split('|');
    const head = GPU_CELL.exec(cells[1] ?? '');
    const bus = BUS_CELL.exec(cells[2] ?? '');
    if (cells.length !== 5 || !head || !bus) continue;
    const stats = (lines[i + 1] ?? '').split('|');
    const memory = MEMORY_CELL.exec(stats[2] ?? '');
    const util = UTIL_CELL.exec(stats[3] ?? '');
    const name = head[2] ?? '';
    gpus.push({
      index: Number(head[1]),
      name,
      nameTruncated: name.endsWith('...'),
      busId: bus[1] ?? '',
      memoryUsedMiB: memory?.[1] !== undefined ? Number(memory[1]) : null,
      memoryTotalMiB: memory?.[2] !== undefined ? Number(memory[2]) : null,
      utilizationPercent: util?.[1] !== undefined ? Number(util[1]) : null,
    });
    i += 1;
  }
  return { driver: parseDriverVersion(text), cuda: parseCudaVersion(text), gpus };
}

// ---------------------------------------------------------------------------------------------
// The list (`nvidia-smi -L`), the one place MIG device UUIDs appear

export interface ListedMigDevice {
  /** Profile such as `1g.10gb`. */
  readonly profile: string;
  readonly index: number;
  readonly uuid: string;
}

export interface ListedGpu {
  readonly index: number;
  readonly name: string;
  readonly uuid: string;
  readonly mig: ListedMigDevice[];
}

const LIST_GPU = /^GPU (\d+): (.+?) \(UUID: (GPU-[^)\s]+)\)?\s*$/;
const LIST_MIG = /^\s+MIG (\S+)\s+Device\s+(\d+): \(UUID: (MIG-[^)\s]+)\)?\s*$/;

export function parseNvidiaSmiList(text: string): ListedGpu[] {
  const gpus: { index: number; name: string; uuid: string; mig: ListedMigDevice[] }[] = [];
  for (const line of text.split(/\r?\n/)) {
    const gpu = LIST_GPU.exec(line);
    if (gpu) {
      gpus.push({ index: Number(gpu[1]), name: gpu[2] ?? '', uuid: gpu[3] ?? '', mig: [] });
      continue;
    }
    const mig = LIST_MIG.exec(line);
    const parent = gpus[gpus.length - 1];
    if (mig && parent) {
      parent.mig.push({ profile: mig[1] ?? '', index: Number(mig[2]), uuid: mig[3] ?? '' });
    }
  }
  return gpus;
}

// ---------------------------------------------------------------------------------------------
// CUDA_VISIBLE_DEVICES

export interface VisibleGpu<T> {
  readonly gpu: T;
  readonly mig?: { readonly uuid: string; readonly profile: string | null };
}

export interface VisibleSelection<T> {
  /** In the order CUDA enumerates them: the order of the variable. */
  readonly visible: VisibleGpu<T>[];
  /** Entries that matched nothing, with what CUDA does about them. */
  readonly notes: string[];
}

/** True when the entries name MIG devices, which only `nvidia-smi -L` can resolve. */
export function mentionsMigDevices(value: string | undefined): boolean {
  return value !== undefined && /(^|,)\s*MIG-/i.test(value);
}

/**
 * Applies `CUDA_VISIBLE_DEVICES` as CUDA does (CUDA C Programming Guide, "CUDA Environment
 * Variables"): unset means every GPU; otherwise a comma-separated sequence of indices, GPU UUIDs
 * (a unique prefix such as `GPU-8932f937` is enough) or MIG UUIDs, and the first entry that
 * names no device ends the sequence: `0,2,-1,1` shows 0 and 2, and the empty string or `-1` shows
 * none. Indices are matched against nvidia-smi's index, which is CUDA's only when GPUs are alike or
 * `CUDA_DEVICE_ORDER=PCI_BUS_ID`; UUIDs are exact either way, hence the note in that case.
 */
export function selectVisibleGpus<T extends { readonly index: number; readonly uuid: string }>(
  gpus: readonly T[],
  value: string | undefined,
  list: readonly ListedGpu[] = [],
): VisibleSelection<T> {
  if (value === undefined) return { visible: gpus.map((gpu) => ({ gpu })), notes: [] };
  const visible: VisibleGpu<T>[] = [];
  const notes: string[] = [];
  const seen = new Set<string>();
  const add = (entry: VisibleGpu<T>): void => {
    const key = entry.mig?.uuid ?? entry.gpu.uuid;
    if (!seen.has(key)) visible.push(entry);
    seen.add(key);
  };
  const stop = (entry: string, why: string): void => {
    notes.push(
      `CUDA_VISIBLE_DEVICES entry '${entry}' ${why}; CUDA hides it and every entry after it`,
    );
  };
  for (const entry of value.split(',').map((part) => part.trim())) {
    if (/^-\d+$/.test(entry) || entry === '') break; // the conventional "no GPU" spellings
    if (/^\d+$/.test(entry)) {
      const gpu = gpus.find((candidate) => candidate.index === Number(entry));
      if (!gpu) {
        stop(entry, 'is not the index of any GPU');
        break;
      }
      add({ gpu });
      continue;
    }
    const legacyMig = /^MIG-(GPU-[0-9a-f-]+)\/\d+\/\d+$/i.exec(entry);
    if (legacyMig) {
      const gpu = gpus.find((candidate) => sameUuid(candidate.uuid, legacyMig[1] ?? ''));
      if (!gpu) {
        stop(entry, 'names a MIG device of no listed GPU');
        break;
      }
      add({ gpu, mig: { uuid: entry, profile: null } });
      continue;
    }
    if (/^MIG-/i.test(entry)) {
      const found = findMigDevice(list, entry);
      const gpu = found && gpus.find((candidate) => sameUuid(candidate.uuid, found.parent.uuid));
      if (!found || !gpu) {
        stop(entry, 'is not the UUID of any MIG device nvidia-smi -L lists');
        break;
      }
      add({ gpu, mig: { uuid: found.device.uuid, profile: found.device.profile } });
      continue;
    }
    if (/^GPU-/i.test(entry)) {
      const matches = gpus.filter((gpu) => gpu.uuid.toLowerCase().startsWith(entry.toLowerCase()));
      if (matches.length !== 1 || !matches[0]) {
        stop(entry, matches.length === 0 ? 'matches no GPU UUID' : 'matches several GPU UUIDs');
        break;
      }
      add({ gpu: matches[0] });
      continue;
    }
    stop(entry, 'is neither an index nor a GPU or MIG UUID');
    break;
  }
  return { visible, notes };
}

function sameUuid(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

function findMigDevice(
  list: readonly ListedGpu[],
  entry: string,
): { parent: ListedGpu; device: ListedMigDevice } | null {
  const wanted = entry.toLowerCase();
  const found: { parent: ListedGpu; device: ListedMigDevice }[] = [];
  for (const parent of list) {
    for (const device of parent.mig) {
      if (device.uuid.toLowerCase().startsWith(wanted)) found.push({ parent, device });
    }
  }
  return found.length === 1 ? (found[0] ?? null) : null;
}
