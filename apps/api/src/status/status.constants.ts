/** The application's {@link StatusTimeline} (also the store's audit sink). */
export const STATUS_TIMELINE = Symbol('STATUS_TIMELINE');
/** The SDK client the status page reads staging labels with (DescribeSecret, ListSecretVersionIds). */
export const STATUS_SECRETS_CLIENT = Symbol('STATUS_SECRETS_CLIENT');
