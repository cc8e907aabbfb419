// Drives the official Sage Intacct Node SDK against a sandbox and prints what it saw as JSON.
// Usage: node --require ./intacct-dns.js run-sdk.js '<json connection>'
"use strict";
const IA = require("@intacct/intacct-sdk");

async function main() {
  const conn = JSON.parse(process.argv[2]);
  const config = new IA.ClientConfig();
  config.senderId = conn.senderId;
  config.senderPassword = conn.senderPassword;
  config.companyId = conn.companyId;
  config.userId = conn.userId;
  config.userPassword = conn.userPassword;
  config.endpointUrl = conn.endpointUrl;

  const out = {};
  const session = await IA.SessionProvider.factory(config);
  out.session = { sessionId: session.sessionId, endpointUrl: session.endpointUrl };
  const client = new IA.OnlineClient(session);
  const run = async (fn) => (await client.execute(fn)).getResult();

  const ids = ["NODE-1", "NODE-2", "NODE-3"];
  out.created = [];
  for (const id of ids) {
    const create = new IA.Functions.AccountsPayable.VendorCreate();
    create.vendorId = id;
    create.vendorName = `Node vendor ${id}`;
    create.primaryEmailAddress = `${id.toLowerCase()}@example.com`;
    const result = await run(create);
    out.created.push(result.data[0]);
  }

  const read = new IA.Functions.Common.Read();
  read.objectName = "VENDOR";
  read.keys = [out.created[0].RECORDNO];
  read.fields = ["RECORDNO", "VENDORID", "NAME"];
  out.read = (await run(read)).data;

  const rbq = new IA.Functions.Common.ReadByQuery();
  rbq.objectName = "VENDOR";
  rbq.fields = ["RECORDNO", "VENDORID"];
  rbq.query = new IA.Functions.Common.Query.QueryString("VENDORID LIKE 'NODE-%'");
  rbq.pageSize = 2;
  const page1 = await run(rbq);
  out.readByQuery = {
    count: page1.count,
    totalCount: page1.totalCount,
    numRemaining: page1.numRemaining,
    ids: page1.data.map((r) => r.VENDORID),
  };
  const more = new IA.Functions.Common.ReadMore();
  more.resultId = page1.resultId;
  const page2 = await run(more);
  out.readMore = { numRemaining: page2.numRemaining, ids: page2.data.map((r) => r.VENDORID) };

  const NQ = IA.Functions.Common.NewQuery;
  const query = new NQ.Query()
    .assignFromObject("VENDOR")
    .assignSelectFields(new NQ.QuerySelect.SelectBuilder().addFields(["VENDORID", "NAME"]).selects)
    .assignFilter(new NQ.QueryFilter.Filter("VENDORID").like("NODE-%"))
    .assignOrderBy(new NQ.QueryOrderBy.OrderBuilder().addDescending("VENDORID").orders)
    .assignPageSize(10);
  const q = await run(query);
  out.query = { totalCount: q.totalCount, ids: q.data.map((r) => r.VENDORID) };

  const update = new IA.Functions.AccountsPayable.VendorUpdate();
  update.vendorId = "NODE-2";
  update.vendorName = "Renamed by Node";
  out.update = (await run(update)).data;

  const del = new IA.Functions.AccountsPayable.VendorDelete();
  del.vendorId = "NODE-3";
  out.delete = (await run(del)).status;

  process.stdout.write(JSON.stringify(out));
}

main().catch((err) => {
  process.stderr.write(String(err && err.stack ? err.stack : err) + "\n");
  process.exit(1);
});
