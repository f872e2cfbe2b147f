/**
 * `mlops doctor`: read the repository's settings through the port, then judge them (pure, in
 * core/doctor/diagnose.ts).
 */
import { diagnose, type DoctorOptions, type DoctorReport } from '../core/doctor/diagnose.js';
import type { RepositorySettingsPort } from '../core/doctor/settings-port.js';

export async function runDoctorStep(
  port: RepositorySettingsPort,
  options: DoctorOptions,
): Promise<DoctorReport> {
  const environment = options.environment;
  const settings = {
    repository: port.repository,
    forkApproval: await port.forkApprovalPolicy(),
    ...(environment ? { environment: await port.environment(environment) } : {}),
    tagRulesets: await port.tagRulesets(),
    runnerGroups: await port.runnerGroups(),
    workflowPermissions: await port.workflowPermissions(),
  };
  return diagnose(settings, options);
}
