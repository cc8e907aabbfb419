// The official Sage Intacct Node SDK as a contender for per-call cost (benchmarks/overhead.py).
//
// Each call is what a user of the SDK writes: a VendorCreate (every field set, one statement
// each) or a Read, run with OnlineClient.execute, and the result's data. Only the HTTP post is
// taken out: it answers with the response the sandbox gave the connector for the same call.
// The calls are timed here, in-process, so that starting Node costs nothing per call.
//
// Usage: node percall.js, then one JSON command a line on stdin, one JSON answer a line on
// stdout. The first line is the spec; the answer comes once both calls are warmed up.
//   {"connection", "sessionId", "inputs", "recordNo", "responses"}  ->  {"ready": true}
//   {"time": "createVendor", "number": 300}  ->  {"us": <microseconds per call>}
//   {"check": "createVendor"}                ->  {"request": "<xml sent>", "data": [...]}
"use strict";
const readline = require("readline");
const IA = require("@intacct/intacct-sdk");

const WARM_UP_CALLS = 2000; // enough for V8 to compile the hot paths before any timing

let spec; // the first line
let client;
let answer = ""; // the response the next post gets
let sent = ""; // the request the last post carried
IA.Xml.RequestHandler.prototype.execute = async function post(xml) {
  sent = xml;
  return answer;
};

function vendorCreate(v) {
  const create = new IA.Functions.AccountsPayable.VendorCreate();
  create.vendorId = v.vendorId;
  create.vendorName = v.vendorName;
  create.printAs = v.printAs;
  create.companyName = v.companyName;
  create.taxable = v.taxable;
  create.contactTaxGroupName = v.contactTaxGroupName;
  create.prefix = v.prefix;
  create.firstName = v.firstName;
  create.lastName = v.lastName;
  create.middleName = v.middleName;
  create.primaryPhoneNo = v.primaryPhoneNo;
  create.secondaryPhoneNo = v.secondaryPhoneNo;
  create.cellularPhoneNo = v.cellularPhoneNo;
  create.pagerNo = v.pagerNo;
  create.faxNo = v.faxNo;
  create.primaryEmailAddress = v.primaryEmailAddress;
  create.secondaryEmailAddress = v.secondaryEmailAddress;
  create.primaryUrl = v.primaryUrl;
  create.secondaryUrl = v.secondaryUrl;
  create.addressLine1 = v.addressLine1;
  create.addressLine2 = v.addressLine2;
  create.city = v.city;
  create.stateProvince = v.stateProvince;
  create.zipPostalCode = v.zipPostalCode;
  create.country = v.country;
  create.isoCountryCode = v.isoCountryCode;
  create.oneTime = v.oneTime;
  create.active = v.active;
  create.excludedFromContactList = v.excludedFromContactList;
  create.vendorTypeId = v.vendorTypeId;
  create.parentVendorId = v.parentVendorId;
  create.glGroupName = v.glGroupName;
  create.taxId = v.taxId;
  create.form1099Name = v.form1099Name;
  create.form1099Type = v.form1099Type;
  create.form1099Box = v.form1099Box;
  create.attachmentsId = v.attachmentsId;
  create.defaultExpenseGlAccountNo = v.defaultExpenseGlAccountNo;
  create.offsetGlAccountNo = v.offsetGlAccountNo;
  create.creditLimit = v.creditLimit;
  create.onHold = v.onHold;
  create.doNotPay = v.doNotPay;
  create.comments = v.comments;
  create.defaultCurrency = v.defaultCurrency;
  create.primaryContactName = v.primaryContactName;
  create.payToContactName = v.payToContactName;
  create.returnToContactName = v.returnToContactName;
  create.preferredPaymentMethod = v.preferredPaymentMethod;
  create.mergePaymentRequests = v.mergePaymentRequests;
  create.sendAutomaticPaymentNotification = v.sendAutomaticPaymentNotification;
  create.vendorBillingType = v.vendorBillingType;
  create.paymentPriority = v.paymentPriority;
  create.paymentTerm = v.paymentTerm;
  create.termDiscountDisplayedOnCheckStub = v.termDiscountDisplayedOnCheckStub;
  create.achEnabled = v.achEnabled;
  create.achBankRoutingNo = v.achBankRoutingNo;
  create.achBankAccountNo = v.achBankAccountNo;
  create.achBankAccountType = v.achBankAccountType;
  create.achBankAccountClass = v.achBankAccountClass;
  create.vendorAccountNo = v.vendorAccountNo;
  create.locationAssignedAccountNoDisplayedOnCheckStub =
    v.locationAssignedAccountNoDisplayedOnCheckStub;
  create.restrictionType = v.restrictionType;
  create.restrictedLocations = [v.restrictedLocations];
  create.restrictedDepartments = [v.restrictedDepartments];
  create.customFields = Object.entries(v.customFields);
  return create;
}

const createConfig = () => {
  const requestConfig = new IA.RequestConfig();
  requestConfig.uniqueId = true; // as the connector sends a mutation
  return requestConfig;
};

const CALLS = {
  createVendor: async () => {
    answer = spec.responses.createVendor;
    const response = await client.execute(vendorCreate(spec.inputs), createConfig());
    return response.getResult().data;
  },
  getVendor: async () => {
    answer = spec.responses.getVendor;
    const read = new IA.Functions.Common.Read();
    read.objectName = "VENDOR";
    read.keys = [spec.recordNo];
    const response = await client.execute(read);
    return response.getResult().data;
  },
};

async function perCall(call, number) {
  const started = process.hrtime.bigint();
  for (let i = 0; i < number; i++) {
    await call();
  }
  return Number(process.hrtime.bigint() - started) / 1000 / number;
}

async function start(line) {
  spec = JSON.parse(line);
  const config = new IA.ClientConfig();
  config.senderId = spec.connection.senderId;
  config.senderPassword = spec.connection.senderPassword;
  config.sessionId = spec.sessionId;
  config.endpointUrl = "https://api.intacct.com/ia/xml/xmlgw.phtml";
  client = new IA.OnlineClient(config);
  for (const call of Object.values(CALLS)) {
    await perCall(call, WARM_UP_CALLS);
  }
  return { ready: true };
}

async function main() {
  for await (const line of readline.createInterface({ input: process.stdin })) {
    const command = JSON.parse(line);
    let reply;
    if (spec === undefined) {
      reply = await start(line);
    } else if (command.time in CALLS) {
      reply = { us: await perCall(CALLS[command.time], command.number) };
    } else if (command.check in CALLS) {
      const data = await CALLS[command.check]();
      reply = { request: sent, data };
    } else {
      reply = { error: `unknown command ${line}` };
    }
    process.stdout.write(JSON.stringify(reply) + "\n");
  }
}

main().catch((err) => {
  process.stderr.write(String(err && err.stack ? err.stack : err) + "\n");
  process.exit(1);
});
