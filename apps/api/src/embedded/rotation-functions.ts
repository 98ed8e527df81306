/** Names of the rotation functions the embedded emulator runs in-process (as Lambda ARNs, the way AWS names them). */
export const ROTATION_FUNCTIONS = {
  postgresSingleUser: 'arn:aws:lambda:us-east-1:123456789012:function:keyturn-postgres-single-user',
  postgresAlternatingUsers: 'arn:aws:lambda:us-east-1:123456789012:function:keyturn-postgres-alternating-users',
  redisAclUser: 'arn:aws:lambda:us-east-1:123456789012:function:keyturn-redis-acl-user',
  stripeWebhookSecret: 'arn:aws:lambda:us-east-1:123456789012:function:keyturn-random-webhook-secret',
  stripeApiKey: 'arn:aws:lambda:us-east-1:123456789012:function:keyturn-random-api-key',
  jwtKey: 'arn:aws:lambda:us-east-1:123456789012:function:keyturn-random-jwt-key',
  smtpPassword: 'arn:aws:lambda:us-east-1:123456789012:function:keyturn-random-smtp-password',
} as const;
