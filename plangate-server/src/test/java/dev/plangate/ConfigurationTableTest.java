package dev.plangate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import dev.plangate.platform.Settings;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The README's table of {@code plangate.*} settings is drawn from the configuration
 * metadata that the build writes from the settings records (their Javadoc and
 * {@code @DefaultValue}s, with {@code additional-spring-configuration-metadata.json}
 * merged in). A README whose table differs fails here, after the table was rewritten, so
 * that the next run passes once it is committed.
 */
class ConfigurationTableTest {

	private static final String START = "<!-- settings:start -->";

	private static final String END = "<!-- settings:end -->";

	private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{(PLANGATE_[A-Z0-9_]+):([^}]*)}");

	private static final Pattern DOCS = Pattern.compile("(?<![\\w/\\[])(?<!]\\()docs/[\\w-]+\\.md");

	@Test
	void readmeTableIsTheOneDrawnFromTheSettings() throws IOException {
		var readme = repositoryRoot().resolve("README.md");
		var text = Files.readString(readme, StandardCharsets.UTF_8);
		int start = text.indexOf(START);
		int end = text.indexOf(END);
		assertThat(start).as("README.md has %s before %s", START, END).isNotNegative().isLessThan(end);

		var table = table(settings());
		var current = text.substring(start + START.length(), end);
		if (!current.equals(table)) {
			Files.writeString(readme, text.substring(0, start + START.length()) + table + text.substring(end),
					StandardCharsets.UTF_8);
			fail("README.md's settings table was out of date and has been rewritten; commit it");
		}
	}

	@Test
	void everyVariableThatApplicationYamlReadsIsInTheReadme() throws IOException {
		var readme = Files.readString(repositoryRoot().resolve("README.md"), StandardCharsets.UTF_8);
		Matcher placeholders = PLACEHOLDER.matcher(applicationYaml());
		var variables = new ArrayList<String>();
		while (placeholders.find()) {
			variables.add(placeholders.group(1));
		}
		assertThat(variables).isNotEmpty().allSatisfy(variable -> assertThat(readme).contains("`" + variable + "`"));
	}

	/**
	 * application.yaml names the variable of each setting it maps, so that a variable
	 * also works as a system property or command-line argument: the same variable, and
	 * the same default, as the settings record.
	 */
	@Test
	void applicationYamlGivesEachSettingItsOwnVariableAndDefault() throws IOException {
		var settings = settings();
		var mapped = new TreeMap<String, String>();
		flatten("plangate", YAMLMapper.builder().build().readTree(applicationYaml()).path("plangate"), mapped);
		assertThat(mapped).isNotEmpty();
		mapped.forEach((property, value) -> {
			var placeholder = PLACEHOLDER.matcher(value);
			assertThat(placeholder.matches()).as("%s: %s", property, value).isTrue();
			assertThat(settings).as(property).containsKey(property);
			assertThat(placeholder.group(1)).as(property).isEqualTo(Settings.variable(property));
			assertThat(placeholder.group(2)).as(property).isEqualTo(plainDefault(settings.get(property)));
		});
	}

	@Test
	void everyVariableInTheTableSetsItsSetting() throws IOException {
		for (var property : settings().keySet()) {
			var variables = new SystemEnvironmentPropertySource(
					StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
					Map.of(Settings.variable(property), "from the environment"));
			var binder = new Binder(ConfigurationPropertySources.from(variables));
			assertThat(binder.bind(property, String.class).orElse(null)).as(property).isEqualTo("from the environment");
		}
	}

	/** The {@code plangate.*} properties of the configuration metadata, by name. */
	private static Map<String, JsonNode> settings() throws IOException {
		var metadata = classes().resolve("META-INF").resolve("spring-configuration-metadata.json");
		assertThat(metadata).as("written by spring-boot-configuration-processor at compile time").exists();
		var properties = new TreeMap<String, JsonNode>();
		for (var property : JsonMapper.builder().build().readTree(metadata.toFile()).path("properties")) {
			var name = property.path("name").asString();
			if (name.startsWith("plangate.")) {
				properties.put(name, property);
			}
		}
		return properties;
	}

	private static String table(Map<String, JsonNode> settings) {
		var rows = settings.values()
			.stream()
			.sorted(Comparator.comparing(p -> p.path("name").asString()))
			.map(p -> "| `%s` | %s | %s |".formatted(Settings.variable(p.path("name").asString()), shownDefault(p),
					markdown(p.path("description").asString(""))))
			.collect(Collectors.joining("\n"));
		return "\n| variable | default | meaning |\n|---|---|---|\n" + rows + "\n";
	}

	private static String shownDefault(JsonNode property) {
		var value = plainDefault(property);
		return value.isEmpty() ? "none" : "`" + value + "`";
	}

	private static String plainDefault(JsonNode property) {
		var value = property.path("defaultValue");
		if (value.isArray()) {
			var items = new ArrayList<String>();
			value.forEach(item -> items.add(item.asString()));
			return String.join(",", items);
		}
		return value.isMissingNode() || value.isNull() ? "" : value.asString();
	}

	/**
	 * A Javadoc description in Markdown: {@code {@code x}} in backticks, the docs' files
	 * as links, and no pipe that would end the cell.
	 */
	static String markdown(String javadoc) {
		var text = new StringBuilder();
		int i = 0;
		while (i < javadoc.length()) {
			if (javadoc.startsWith("{@", i)) {
				int space = javadoc.indexOf(' ', i);
				int close = closing(javadoc, i);
				if (space > 0 && close > space) {
					var tag = javadoc.substring(i + 2, space);
					var content = javadoc.substring(space + 1, close);
					text.append(tag.equals("code") || tag.equals("literal") ? "`" + content + "`" : content);
					i = close + 1;
					continue;
				}
			}
			text.append(javadoc.charAt(i++));
		}
		return DOCS.matcher(text.toString().replace("|", "\\|")).replaceAll(m -> "[%1$s](%1$s)".formatted(m.group()));
	}

	/** The brace closing the inline tag opened at {@code open}, nested braces counted. */
	private static int closing(String text, int open) {
		int depth = 0;
		for (int i = open; i < text.length(); i++) {
			char c = text.charAt(i);
			if (c == '{') {
				depth++;
			}
			else if (c == '}' && --depth == 0) {
				return i;
			}
		}
		return -1;
	}

	private static void flatten(String prefix, JsonNode node, Map<String, String> into) {
		if (node.isObject()) {
			for (var entry : node.properties()) {
				flatten(prefix + "." + entry.getKey(), entry.getValue(), into);
			}
		}
		else {
			into.put(prefix, node.asString());
		}
	}

	private static String applicationYaml() throws IOException {
		return Files.readString(classes().resolve("application.yaml"), StandardCharsets.UTF_8);
	}

	/** {@code target/classes} of the server. */
	private static Path classes() {
		try {
			return Path.of(PlangateApplication.class.getProtectionDomain().getCodeSource().getLocation().toURI());
		}
		catch (URISyntaxException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** The folder holding {@code mvnw}, found upwards from the server's classes. */
	private static Path repositoryRoot() {
		for (Path dir = classes(); dir != null; dir = dir.getParent()) {
			if (Files.isRegularFile(dir.resolve("mvnw")) && Files.isDirectory(dir.resolve("plangate-server"))) {
				return dir;
			}
		}
		throw new IllegalStateException("no mvnw above " + classes());
	}

}
