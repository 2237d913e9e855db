package dev.plangate;

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
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.modulith.core.ApplicationModules;
import org.springframework.modulith.docs.Documenter;
import org.springframework.modulith.docs.Documenter.DiagramOptions;
import org.springframework.modulith.docs.Documenter.DiagramOptions.DiagramStyle;
import org.springframework.modulith.docs.Documenter.Options;

import net.sourceforge.plantuml.FileFormat;
import net.sourceforge.plantuml.FileFormatOption;
import net.sourceforge.plantuml.SourceStringReader;

class ModularityTests {

	private static final ApplicationModules MODULES = ApplicationModules.of(PlangateApplication.class);

	private static final String OVERVIEW = "overview.puml";

	private static final String OVERVIEW_IMAGE = "overview.svg";

	@Test
	void modulesOnlyUseEachOthersPublicTypesAndFormNoCycles() {
		MODULES.verify();
	}

	/**
	 * The diagrams in {@code docs/modules} are drawn from the code: the overall component
	 * diagram and one per module. A change to the modules or their dependencies that did
	 * not redraw them fails here, after redrawing them, so that the next run passes once
	 * they are committed.
	 */
	@Test
	void docsModulesShowsTheModulesAsTheCodeHasThem(@TempDir Path scratch) throws IOException {
		var diagrams = DiagramOptions.defaults().withStyle(DiagramStyle.C4);
		new Documenter(MODULES, Options.defaults().withOutputFolder(scratch.toString()))
			.writeModulesAsPlantUml(diagrams)
			.writeIndividualModulesAsPlantUml(diagrams);
		Files.writeString(scratch.resolve(OVERVIEW), overview(), StandardCharsets.UTF_8);
		Map<String, String> drawn = read(scratch);
		Map<String, String> normalized = new TreeMap<>();
		drawn.forEach((name, text) -> normalized.put(name, inStableOrder(text)));

		Path committed = repositoryRoot().resolve("docs").resolve("modules");
		Map<String, String> current = Files.isDirectory(committed) ? read(committed) : Map.of();

		if (!normalized.equals(current) || !Files.isRegularFile(committed.resolve(OVERVIEW_IMAGE))) {
			var stale = new TreeSet<>(current.keySet());
			stale.addAll(normalized.keySet());
			stale.removeIf((name) -> Objects.equals(current.get(name), normalized.get(name)));
			rewrite(committed, normalized);
			render(committed.resolve(OVERVIEW), committed.resolve(OVERVIEW_IMAGE));
			fail("docs/modules was out of date and has been rewritten; commit it (changed: %s)", stale);
		}
	}

	/**
	 * Every module, the nested ones inside their parent, with an arrow to each module it
	 * depends on: the one picture of the layout, which Documenter's component diagram
	 * (top-level modules only) is not.
	 */
	private static String overview() {
		var lines = new ArrayList<String>();
		lines.add("@startuml");
		lines.add("!pragma layout smetana");
		lines.add("title Plangate's modules: an arrow points from a module to one it uses (to audit in grey)");
		lines.add("skinparam componentStyle rectangle");
		var all = MODULES.stream().sorted(Comparator.comparing(m -> m.getIdentifier().toString())).toList();
		for (var module : all) {
			var id = module.getIdentifier().toString();
			if (id.contains(".")) {
				continue;
			}
			var nested = all.stream().filter(m -> m.getIdentifier().toString().startsWith(id + ".")).toList();
			if (nested.isEmpty()) {
				lines.add("component \"%s\" as %s".formatted(id, alias(id)));
			}
			else {
				lines.add("package \"%s\" as group_%s {".formatted(id, id));
				lines.add("  component \"%s (root)\" as %s".formatted(id, alias(id)));
				nested.forEach(n -> lines.add("  component \"%s\" as %s".formatted(
						n.getIdentifier().toString().substring(id.length() + 1), alias(n.getIdentifier().toString()))));
				lines.add("}");
			}
		}
		for (var module : all) {
			module.getDirectDependencies(MODULES)
				.uniqueModules()
				.map(d -> d.getIdentifier().toString())
				.filter(d -> !d.equals("platform"))
				.sorted()
				.forEach(d -> lines.add("%s %s %s".formatted(alias(module.getIdentifier().toString()),
						d.equals("audit") ? "-[#bbbbbb]->" : "-->", alias(d))));
		}
		lines.add("note bottom of %s : errors, JSON, time, the caller: used by every module"
			.formatted(alias("platform")));
		lines.add("@enduml");
		return String.join("\n", lines) + "\n";
	}

	private static String alias(String identifier) {
		return "module_" + identifier.replace('.', '_');
	}

	/** The overview as an image GitHub shows in the README, drawn by PlantUML. */
	private static void render(Path plantUml, Path svg) throws IOException {
		var reader = new SourceStringReader(Files.readString(plantUml, StandardCharsets.UTF_8));
		try (var out = Files.newOutputStream(svg)) {
			reader.outputImage(out, new FileFormatOption(FileFormat.SVG));
		}
	}

	private static Map<String, String> read(Path folder) throws IOException {
		Map<String, String> files = new TreeMap<>();
		try (Stream<Path> listing = Files.list(folder)) {
			for (Path file : listing.filter(Files::isRegularFile)
				.filter(f -> f.toString().endsWith(".puml"))
				.toList()) {
				files.put(file.getFileName().toString(),
						Files.readString(file, StandardCharsets.UTF_8).replace("\r\n", "\n"));
			}
		}
		return files;
	}

	private static void rewrite(Path folder, Map<String, String> files) throws IOException {
		Files.createDirectories(folder);
		try (Stream<Path> listing = Files.list(folder)) {
			for (Path file : listing.filter(Files::isRegularFile)
				.filter(f -> f.toString().endsWith(".puml"))
				.toList()) {
				if (!files.containsKey(file.getFileName().toString())) {
					Files.delete(file);
				}
			}
		}
		for (var file : files.entrySet()) {
			Files.writeString(folder.resolve(file.getKey()), file.getValue(), StandardCharsets.UTF_8);
		}
	}

	/**
	 * The diagram with each run of components and of relationships sorted: Documenter
	 * lists them in hash order, which differs from one JVM to the next, and the order
	 * means nothing to PlantUML but where it places things.
	 */
	private static String inStableOrder(String plantUml) {
		List<String> lines = plantUml.lines().toList();
		List<String> result = new ArrayList<>(lines.size());
		List<String> run = new ArrayList<>();
		@Nullable String runKind = null;
		for (String line : lines) {
			@Nullable String kind = sortableKind(line);
			if (runKind != null && !runKind.equals(kind)) {
				result.addAll(run.stream().sorted().toList());
				run.clear();
			}
			runKind = kind;
			if (kind == null) {
				result.add(line);
			}
			else {
				run.add(line);
			}
		}
		result.addAll(run.stream().sorted().toList());
		return String.join("\n", result) + "\n";
	}

	/** The indentation and element of a component or relationship line, else null. */
	private static @Nullable String sortableKind(String line) {
		String element = line.strip();
		if (!element.startsWith("Component(") && !element.startsWith("Rel(")) {
			return null;
		}
		return line.substring(0, line.indexOf(element)) + element.substring(0, element.indexOf('('));
	}

	/** The folder holding {@code mvnw}, found upwards from where the test classes are. */
	private static Path repositoryRoot() {
		try {
			Path classes = Path.of(ModularityTests.class.getProtectionDomain().getCodeSource().getLocation().toURI());
			for (Path dir = classes; dir != null; dir = dir.getParent()) {
				if (Files.isRegularFile(dir.resolve("mvnw")) && Files.isDirectory(dir.resolve("plangate-server"))) {
					return dir;
				}
			}
		}
		catch (URISyntaxException ex) {
			throw new IllegalStateException(ex);
		}
		throw new IllegalStateException("no mvnw above " + ModularityTests.class.getProtectionDomain().getCodeSource());
	}

}
