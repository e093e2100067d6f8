// PostGraphile v5 preset for the side-by-side benchmark (copied from the peer rig in ../shared/bench/peer and
// extended): amber preset, one schema, no GraphiQL, no websockets. With PG_CONNECTION_FILTER=1 it adds the
// connection-filter plugin, the usual way to get `IN` filters (`filter: {status: {in: [...]}}`) in PostGraphile;
// bench/run.sh turns it on only for the scenario that needs it (the reviewer queue).
import { PostGraphileAmberPreset } from "postgraphile/presets/amber";
import { makePgService } from "postgraphile/adaptors/pg";

const presets = [PostGraphileAmberPreset];
if (process.env.PG_CONNECTION_FILTER === "1") {
  const { PostGraphileConnectionFilterPreset } = await import("postgraphile-plugin-connection-filter");
  presets.push(PostGraphileConnectionFilterPreset);
}

export default {
  extends: presets,
  pgServices: [
    makePgService({
      connectionString: process.env.DATABASE_URL,
      schemas: [process.env.PG_SCHEMA ?? "public"],
      poolConfig: { max: Number(process.env.PG_POOL_MAX ?? 10) },
    }),
  ],
  grafserv: {
    host: "127.0.0.1",
    port: Number(process.env.PORT ?? 5678),
    graphqlPath: "/graphql",
    graphiql: false,
    websockets: false,
  },
  grafast: { explain: false },
};
