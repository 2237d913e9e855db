package dev.plangate.bench;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ProfilerTest {

	@Test
	void aProfiledSeparateServerKeepsDeepStacksAndIsRecordedWithTheJcmdBesideItsJava() {
		var options = Options.parse(new String[] { "--split", "yes", "--profile", "cpu", "--server-java",
				"/usr/lib/jvm/temurin-25-jdk-amd64/bin/java" });

		var command = ServerProcess.command(Stack.POSTGRES, options, "bench.jar");

		assertThat(command).containsSequence("/usr/lib/jvm/temurin-25-jdk-amd64/bin/java",
				"-XX:FlightRecorderOptions:stackdepth=256", "-cp", "bench.jar");
		assertThat(Profiler.jcmd(options.serverJava())).isEqualTo("/usr/lib/jvm/temurin-25-jdk-amd64/bin/jcmd");
		assertThat(Profiler.jcmd("java")).isEqualTo("jcmd");
	}

	@Test
	void anUnprofiledSeparateServerGetsNoRecorderOptions() {
		var options = Options.parse(new String[] { "--split", "yes" });

		assertThat(ServerProcess.command(Stack.POSTGRES, options, "bench.jar"))
			.noneMatch(argument -> argument.startsWith("-XX:FlightRecorder"));
	}

	@Test
	void theServersRecordingTakesACpuSampleEveryMillisecondAndIsDumpedWhereTheBenchReadsIt() {
		var jvm = new Profiler.ServerJvm("jcmd", 4242);

		assertThat(jvm.startCommand("http-postgres-check")).containsExactly("jcmd", "4242", "JFR.start",
				"name=http-postgres-check", "settings=profile", "method-profiling=max");
		assertThat(jvm.stopCommand("http-postgres-check", Path.of("/tmp/p/check.jfr"))).containsExactly("jcmd", "4242",
				"JFR.stop", "name=http-postgres-check", "filename=/tmp/p/check.jfr");
	}

}
