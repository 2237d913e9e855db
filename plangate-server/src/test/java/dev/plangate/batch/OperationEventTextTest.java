package dev.plangate.batch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.plangate.platform.StoredJson;

/**
 * The started and completed events' data, written as text for every operation, is the
 * same text the stored JSON writer gives for the same values.
 */
class OperationEventTextTest {

	private static final UUID ID = UUID.fromString("3f2c7a1e-9b1d-4c55-8a6e-2d4f0b9c7e11");

	private static String stored(Integer compensates, int attempt, String workerId) {
		var data = new LinkedHashMap<String, Object>();
		data.put("operationId", ID.toString());
		data.put("seq", 7);
		data.put("type", "spawn_agent");
		if (compensates != null) {
			data.put("compensates", compensates);
		}
		data.put("attempt", attempt);
		if (workerId != null) {
			data.put("workerId", workerId);
		}
		return StoredJson.write(data);
	}

	@Test
	void startedEventMatchesStoredJson() {
		assertThat(WorkerService.operationEvent(ID, 7, "spawn_agent", null, 2, "worker-1@eu:a.b"))
			.isEqualTo(stored(null, 2, "worker-1@eu:a.b"));
	}

	@Test
	void compensationsCompletedEventMatchesStoredJson() {
		assertThat(WorkerService.operationEvent(ID, 7, "spawn_agent", 3, 1, null)).isEqualTo(stored(3, 1, null));
	}

	@Test
	void textThatNeedsEscapingIsEscaped() {
		var text = WorkerService.operationEvent(ID, 0, "a\"b\\c", null, 1, "w\n");
		assertThat(StoredJson.read(text, Map.class)).containsEntry("type", "a\"b\\c").containsEntry("workerId", "w\n");
	}

}
