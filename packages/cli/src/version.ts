/** The version of @keyturn/cli (kept equal to package.json). */
export const VERSION = '0.1.0';
