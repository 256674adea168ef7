/**
 * The entry `authjs-trakt/adapters`: how to read and write the Trakt account
 * on the Auth.js adapters apps run on SQL (`@auth/pg-adapter`, Drizzle,
 * Prisma), for {@link traktDatabaseSessions}. Its own entry because it is
 * about Auth.js's adapters, not one database: Drizzle and Prisma run on
 * MySQL and SQLite as well, and `authjs-trakt/postgres` is the refresh store
 * on PostgreSQL. Nothing of it is bundled by an app on JWT sessions.
 *
 * @module authjs-trakt/adapters
 */
export {
  pgAdapterAccounts,
  drizzleAccounts,
  prismaAccounts,
  type AdapterAccountRow,
  type DrizzleDatabase,
  type DrizzleAccountsTable,
  type DrizzleOperators,
  type PrismaAccountsClient,
} from "./authjs/adapters.js"
