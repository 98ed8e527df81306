/** Options every command accepts (they precede or follow the command name). */
export interface GlobalOptions {
  /** Secrets Manager endpoint, e.g. the emulator's `http://127.0.0.1:4566`. */
  endpointUrl?: string;
  /** AWS region. @default $AWS_REGION, then $AWS_DEFAULT_REGION */
  region?: string;
  /** Named profile from ~/.aws/credentials and ~/.aws/config. */
  profile?: string;
  /** One JSON document on stdout instead of tables. */
  json?: boolean;
  /** Seconds to establish a connection to the endpoint; 0 = no limit. @default 60 */
  cliConnectTimeout?: number;
  /** Seconds to wait for the next byte of a response; 0 = no limit. @default 60 */
  cliReadTimeout?: number;
}
