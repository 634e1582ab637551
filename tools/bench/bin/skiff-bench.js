#!/usr/bin/env node
const commands = { scheduler: "../dist/scheduler/scheduler-bench.js", controllers: "../dist/controllers/controllers-bench.js", kubelet: "../dist/kubelet/kubelet-bench.js", proxy: "../dist/proxy/proxy-bench.js" };
require(commands[process.argv[2]] ?? "../dist/apiserver-bench.js");
