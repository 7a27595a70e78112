import path from 'node:path';
import { pino, type Logger } from 'pino';
import type { LogFormat, RuntimeConfig } from '../config/runtime-config.js';
import { ActionableError } from '../shared/actionable-error.js';
import { createLogger } from '../shared/logger.js';

/** The log file of `start` in the data directory, for `--log-format file`. */
export const LOG_FILE_NAME = 'zoomtrail.log';

/**
 * Where `start` writes its JSON logs: `--log-format`, else ZOOMTRAIL_LOG_FORMAT
 * or logFormat in the config file, else `file` on a terminal (a person reads the
 * human lines) and `json` elsewhere (systemd, docker: their log collector reads stderr).
 */
export function chooseLogFormat(flag: LogFormat | undefined, setting: LogFormat | undefined, stderrIsTerminal: boolean): LogFormat {
  return flag ?? setting ?? (stderrIsTerminal ? 'file' : 'json');
}

export interface StartLogs {
  logger: Logger;
  /** The absolute path of the log file (format `file`). */
  file: string | undefined;
}

/** The logger of `start`: JSON lines on stderr (`json`) or appended to `<dataDir>/zoomtrail.log` (`file`). */
export function openStartLogs(config: RuntimeConfig, format: LogFormat): StartLogs {
  if (format === 'json') {
    return { logger: createLogger({ level: config.logLevel, name: 'zoomtrail' }, pino.destination({ fd: 2, sync: true })), file: undefined };
  }
  const file = path.join(config.dataDir, LOG_FILE_NAME);
  try {
    return { logger: createLogger({ level: config.logLevel, name: 'zoomtrail' }, pino.destination({ dest: file, sync: true, append: true, mkdir: true })), file };
  } catch (error) {
    throw new ActionableError(
      'log_file_unwritable',
      `Cannot write the log file ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}.`,
      'Make the data directory writable, or keep the logs on the terminal with --log-format json.',
      { cause: error },
    );
  }
}
