// A small browser/Node client of the hds API, written against the TypeScript
// types that openapi-typescript generates from openapi/openapi.json
// (`hds-api-types` is generated/hds.ts, git-ignored). `tsc --strict` must
// accept it: if the contract loses an operation, a parameter, a field or the
// problem type of its errors, this file stops compiling and `make test` fails
// (scripts/check-contract.sh).
import createClient from "openapi-fetch";
import type { components, paths } from "hds-api-types";

export type Problem = components["schemas"]["Problem"];
export type DataSource = components["schemas"]["DataSource"];
export type ApplicationView = components["schemas"]["ApplicationView"];

export type HdsClient = ReturnType<typeof hdsClient>;

export function hdsClient(baseUrl: string, token?: string) {
  return createClient<paths>({
    baseUrl,
    headers: token === undefined ? {} : { Authorization: `Bearer ${token}` },
  });
}

/** A problem as one line: its type, detail and the pointer of each field. */
export function describe(problem: Problem): string {
  const fields = (problem.errors ?? []).map((e) => `${e.pointer}: ${e.message}`);
  return [`${problem.type} (${problem.status}): ${problem.detail}`, ...fields].join("; ");
}

/** Every data source matching `q` (public, no token), following `nextCursor`. */
export async function findDataSources(client: HdsClient, q: string): Promise<DataSource[]> {
  const found: DataSource[] = [];
  let cursor: string | undefined;
  do {
    const { data, error } = await client.GET("/api/v1/data-sources", {
      params: { query: { q, lang: "nb", limit: 100, cursor } },
    });
    if (error !== undefined) {
      throw new Error(describe(error));
    }
    found.push(...data.items);
    cursor = data.nextCursor ?? undefined;
  } while (cursor !== undefined);
  return found;
}

/** Starts a draft application (utkast) with a title and the given sources; a
 * retry with the same key returns the same draft. */
export async function startDraft(
  client: HdsClient,
  title: string,
  sources: DataSource[],
  idempotencyKey: string,
): Promise<{ draft: ApplicationView; etag: string }> {
  const { data, error, response } = await client.POST("/api/v1/applications", {
    params: { header: { "Idempotency-Key": idempotencyKey } },
    body: {
      project: { title, researchQuestions: [] },
      dataSources: sources.map((s) => ({ code: s.code, variables: [] })),
    },
  });
  if (error !== undefined) {
    throw new Error(describe(error));
  }
  const etag = response.headers.get("ETag") ?? `"v${data.version}"`;
  return { draft: data, etag };
}

/** The case number of a submitted application, or the problem `type` the
 * API answered with (e.g. `.../problems/not-found` while it is a draft). */
export async function caseNumberOrProblemType(
  client: HdsClient,
  applicationId: string,
): Promise<{ caseNumber: string } | { problemType: string }> {
  const { data, error } = await client.GET("/api/v1/applications/{id}/case", {
    params: { path: { id: applicationId } },
  });
  if (error !== undefined) {
    const problem: Problem = error;
    return { problemType: problem.type };
  }
  return { caseNumber: data.caseNumber };
}
