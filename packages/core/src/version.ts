/** The version of @keyturn/core (kept equal to package.json; the OpenTelemetry meter carries it). */
export const VERSION = '0.1.0';
