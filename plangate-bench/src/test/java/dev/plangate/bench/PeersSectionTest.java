package dev.plangate.bench;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class PeersSectionTest {

	private static final String BULLMQ = """
			const connection = new IORedis({ host: '127.0.0.1', port: 6379, maxRetriesPerRequest: null });
			""";

	@Test
	void bullmqIsPointedAtTheBenchsRedisDatabase() {
		assertThat(PeersSection.bullmqConnection(BULLMQ, "redis://127.0.0.1:6379/13"))
			.contains("new IORedis({ host: '127.0.0.1', port: 6379, db: 13, maxRetriesPerRequest: null })");
		assertThat(PeersSection.bullmqConnection(BULLMQ, "redis://redis.local:6380"))
			.contains("{ host: 'redis.local', port: 6380, db: 0, maxRetriesPerRequest");
	}

	@Test
	void aBullmqScriptWhoseConnectionChangedIsNotRunAgainstTheWrongDatabase() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> PeersSection.bullmqConnection("new IORedis(process.env.REDIS)", "redis://h:1/2"))
			.withMessageContaining("connection");
	}

	@Test
	void pgBossGetsTheBenchsPostgresqlAndItsOwnDatabase() {
		assertThat(PeersSection.nodePostgresUrl("jdbc:postgresql://127.0.0.1:5432/", "postgres", "bench_peers"))
			.isEqualTo("postgres://postgres@127.0.0.1:5432/bench_peers");
		assertThat(PeersSection.nodePostgresUrl("jdbc:postgresql://db.local/", "app", "p"))
			.isEqualTo("postgres://app@db.local:5432/p");
	}

	@Test
	void thePeersFigureIsTheLastJsonLinesCompletions() {
		String output = """
				npm warn something
				{"peer":"pg-boss 12.38.0","ops":20000,"insert_per_s":15504,"complete_per_s":5092}
				""";
		assertThat(PeersSection.completionsPerSecond(output)).isEqualTo(5092);
		assertThatIllegalArgumentException()
			.isThrownBy(() -> PeersSection.completionsPerSecond("pg-boss error connect ECONNREFUSED\n"))
			.withMessageContaining("ECONNREFUSED");
	}

	@Test
	void plangatesRatioToEachMeasuredPeer() {
		var pgBoss = new PeersSection.Peer("pg-boss", "", 2_000, null);
		assertThat(PeersSection.ratio(3_000.0, pgBoss)).isEqualTo("1.50x");
		assertThat(PeersSection.ratio(null, pgBoss)).isEqualTo("-");
		assertThat(PeersSection.ratio(3_000.0, PeersSection.Peer.failed("BullMQ", "", "exited with 1"))).isEqualTo("-");
	}

}
