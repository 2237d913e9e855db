package dev.plangate.bench;

import java.util.EnumSet;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.plangate.bench.Options.Section;
import dev.plangate.bench.Options.Setup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class OptionsTest {

	@Test
	void defaultsMeasureBothSetUpsAndThePeersFromTheSharedFolder() {
		var options = Options.parse(new String[0]);
		assertThat(options.setups()).isEqualTo(EnumSet.allOf(Setup.class));
		assertThat(options.sections()).contains(Section.PEERS, Section.BATCH);
		assertThat(options.pin()).isFalse();
		assertThat(options.serverJava()).endsWith("java");
		assertThat(options.serverJvmArgs()).isEmpty();
		assertThat(options.serverSettings()).isEmpty();
		assertThat(options.peers()).isEqualTo("../shared/peers/queues");
		assertThat(options.peersDatabase()).isEqualTo("bench_peers");
		assertThat(options.peerOperations()).isEqualTo(20_000);
		assertThat(options.batchWarmup()).hasSeconds(120);
	}

	@Test
	void aSeparateServerOnAnotherJdkWithItsOptionsAndSettings() {
		var options = Options.parse(new String[] { "--split", "yes", "--pin", "--server-java",
				"/usr/lib/jvm/temurin-25-jdk-amd64/bin/java", "--server-jvm-args", " -XX:+UseZGC  -Xmx2g ",
				"--server-setting", "spring.threads.virtual.enabled=true", "--server-setting", "a.b=c", "--only",
				"http,peers", "--peers", "/tmp/peers", "--peers-database", "my_peers", "--peer-operations", "500",
				"--batch-warmup", "30s" });
		assertThat(options.setups()).containsExactly(Setup.SEPARATE);
		assertThat(options.runs(Setup.IN_PROCESS)).isFalse();
		assertThat(options.pin()).isTrue();
		assertThat(options.serverJava()).isEqualTo("/usr/lib/jvm/temurin-25-jdk-amd64/bin/java");
		assertThat(options.serverJvmArgs()).containsExactly("-XX:+UseZGC", "-Xmx2g");
		assertThat(options.serverSettings()).containsExactly("spring.threads.virtual.enabled=true", "a.b=c");
		assertThat(options.sections()).containsExactlyInAnyOrder(Section.HTTP, Section.PEERS);
		assertThat(options.peers()).isEqualTo("/tmp/peers");
		assertThat(options.peersDatabase()).isEqualTo("my_peers");
		assertThat(options.peerOperations()).isEqualTo(500);
		assertThat(options.batchWarmup()).hasSeconds(30);
	}

	@Test
	void splitNoKeepsTheServerInTheBenchsJvm() {
		assertThat(Options.parse(new String[] { "--split", "no" }).setups()).containsExactly(Setup.IN_PROCESS);
		assertThat(Options.parse(new String[] { "--split", "both" }).setups())
			.containsExactlyInAnyOrder(Setup.IN_PROCESS, Setup.SEPARATE);
	}

	@Test
	void badValuesAreRefusedWithWhatIsWrong() {
		assertThatIllegalArgumentException().isThrownBy(() -> Options.parse(new String[] { "--split", "maybe" }))
			.withMessageContaining("no, yes or both");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> Options.parse(new String[] { "--server-setting", "no-equals-sign" }))
			.withMessageContaining("NAME=VALUE");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> Options.parse(new String[] { "--peers-database", "postgres" }))
			.withMessageContaining("not postgres");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> Options.parse(new String[] { "--peers-database", "Bad-Name" }))
			.withMessageContaining("plain lower-case name");
		assertThatIllegalArgumentException().isThrownBy(() -> Options.parse(new String[] { "--server-java" }))
			.withMessageContaining("needs a value");
		assertThatIllegalArgumentException().isThrownBy(() -> Options.parse(new String[] { "--only", "nothing" }));
	}

	@Test
	void theSeparateServersCommandCarriesTheBenchsDataAndTheServersJvm() {
		var options = Options.parse(new String[] { "--pin", "--server-java", "/jdk/bin/java", "--server-jvm-args",
				"-XX:+UseZGC", "--server-setting", "spring.threads.virtual.enabled=true", "--database", "bench_x",
				"--redis-url", "redis://127.0.0.1:6379/13" });
		assertThat(ServerProcess.command(Stack.POSTGRES, options, "bench.jar")).containsExactly("taskset", "-c", "0",
				"/jdk/bin/java", "-XX:+UseZGC", "-cp", "bench.jar", "dev.plangate.bench.ServerProcess", "--stack",
				"postgres", "--postgres-url", "jdbc:postgresql://127.0.0.1:5432/", "--postgres-user", "postgres",
				"--redis-url", "redis://127.0.0.1:6379/13", "--database", "bench_x", "--server-setting",
				"spring.threads.virtual.enabled=true");
		var command = ServerProcess.command(Stack.EMBEDDED, Options.parse(new String[0]), "x");
		var parsedByTheChild = Options.parse(command.subList(4, command.size()).toArray(String[]::new));
		assertThat(parsedByTheChild.stacks()).isEqualTo(List.of(Stack.EMBEDDED));
	}

}
