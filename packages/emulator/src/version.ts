/** The version of @keyturn/emulator (kept equal to package.json). */
export const VERSION = '0.1.0';
