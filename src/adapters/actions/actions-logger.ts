import * as core from '@actions/core';
import type { AnnotationProps, Logger } from '../../core/logger.js';

/** The logger port on a GitHub runner: workflow commands, so annotations land on lines. */
export function createActionsLogger(): Logger {
  // exactOptionalPropertyTypes: pass only the properties that are set.
  const toCore = (props: AnnotationProps | undefined): core.AnnotationProperties | undefined =>
    props &&
    (Object.fromEntries(
      Object.entries(props).filter(([, value]) => value !== undefined),
    ) as core.AnnotationProperties);
  return {
    debug: (message) => core.debug(message),
    info: (message) => core.info(message),
    warning: (message, props) => core.warning(message, toCore(props)),
    error: (message, props) => core.error(message, toCore(props)),
    group: (name, fn) => core.group(name, fn),
  };
}
