/**
 * The entry `authjs-trakt/postgres`: the refresh store on the app's own
 * PostgreSQL, for apps that run one and no Redis. It takes the app's own
 * connection (a `pg` Pool, or anything with `query(text, values)`), so the
 * package gains no dependency. Its own entry, so that apps without PostgreSQL
 * bundle none of it.
 *
 * @module authjs-trakt/postgres
 */
export { postgresTokenStore, type PostgresQueryable, type PostgresTokenStoreOptions } from "./core/stores/postgres.js"
