#!/usr/bin/env bash
# Prints Chronicle's JVM flags from the root pom's <chronicle.jvm.flags> (the one copy). JMH forks
# inherit the host JVM's flags, so: java $(benchmarks/chronicle-flags.sh) -jar benchmarks/target/benchmarks.jar ...
sed -n 's:.*<chronicle.jvm.flags>\(.*\)</chronicle.jvm.flags>.*:\1:p' "$(dirname "$0")/../pom.xml"
