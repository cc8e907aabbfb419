// Preload (node --require): resolve every *.intacct.com host name to 127.0.0.1 so the
// official SDK, which only accepts intacct.com endpoints, talks to the local sandbox.
"use strict";
const dns = require("dns");

const realLookup = dns.lookup;
dns.lookup = function lookup(hostname, options, callback) {
  if (typeof hostname === "string" && /(^|\.)intacct\.com\.?$/i.test(hostname)) {
    if (typeof options === "function") {
      callback = options;
      options = {};
    }
    const opts = typeof options === "number" ? { family: options } : options || {};
    if (opts.all) {
      return process.nextTick(callback, null, [{ address: "127.0.0.1", family: 4 }]);
    }
    return process.nextTick(callback, null, "127.0.0.1", 4);
  }
  return realLookup.call(dns, hostname, options, callback);
};
