#!/usr/bin/env node
require("../dist/apiserver-bench.js");
