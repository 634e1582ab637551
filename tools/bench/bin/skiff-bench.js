#!/usr/bin/env node
require(process.argv[2] === "scheduler" ? "../dist/scheduler/scheduler-bench.js" : "../dist/apiserver-bench.js");
