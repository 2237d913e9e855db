package dev.plangate.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

import dev.plangate.support.ServerTest;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code docs/openapi.json} is the API document the server gives, so that readers and
 * client generators have the contract without running a server (plangate-it generates a
 * Java client from it and walks the README's tour through that client). When the API
 * changes this test fails; {@code -Dplangate.openapi.write=true} rewrites the file, and
 * the difference shows in review.
 */
class OpenApiSnapshotTest extends ServerTest {

	static final Path DOCUMENT = Path.of("..", "docs", "openapi.json");

	private static final JsonMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

	@Test
	void theDocumentInDocsIsTheServers() throws IOException {
		// given
		var live = canonical(anonymous.get("/v3/api-docs").body());
		// the address of whichever server answered, not part of the contract
		((ObjectNode) live).remove("servers");
		String text = JSON.writeValueAsString(live) + "\n";

		// when
		if (Boolean.getBoolean("plangate.openapi.write")) {
			Files.writeString(DOCUMENT, text, StandardCharsets.UTF_8);
		}

		// then
		assertThat(DOCUMENT).as("docs/openapi.json; rewrite it with -Dplangate.openapi.write=true").exists();
		assertThat(Files.readString(DOCUMENT, StandardCharsets.UTF_8))
			.as("docs/openapi.json against /v3/api-docs; rewrite it with -Dplangate.openapi.write=true")
			.isEqualTo(text);
	}

	/**
	 * The same document with every object's members in name order, so that it diffs well.
	 */
	private static JsonNode canonical(JsonNode node) {
		if (node.isObject()) {
			Map<String, JsonNode> members = new TreeMap<>();
			node.properties().forEach(member -> members.put(member.getKey(), canonical(member.getValue())));
			var sorted = JsonNodeFactory.instance.objectNode();
			members.forEach(sorted::set);
			return sorted;
		}
		if (node.isArray()) {
			var items = JsonNodeFactory.instance.arrayNode();
			node.forEach(item -> items.add(canonical(item)));
			return items;
		}
		return node;
	}

}
