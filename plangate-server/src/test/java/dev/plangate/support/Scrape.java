package dev.plangate.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One read of {@code /actuator/prometheus} (the Prometheus text format): its samples by
 * name and labels.
 */
public final class Scrape {

	private static final Pattern SAMPLE = Pattern
		.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})?\\s+(\\S+)(?:\\s+\\S+)?$");

	private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

	/** One sample line. */
	public record Sample(String name, Map<String, String> labels, double value) {
	}

	private final String text;

	private final List<Sample> samples;

	private Scrape(String text, List<Sample> samples) {
		this.text = text;
		this.samples = samples;
	}

	/** Reads the server's metrics with {@code api}'s key. */
	public static Scrape of(Api api) {
		var response = api.get("/actuator/prometheus");
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		return parse(response.text());
	}

	public static Scrape parse(String text) {
		var samples = new ArrayList<Sample>();
		for (var line : text.split("\n")) {
			if (line.isBlank() || line.startsWith("#")) {
				continue;
			}
			Matcher m = SAMPLE.matcher(line.strip());
			if (!m.matches()) {
				throw new IllegalArgumentException("Not a sample line: " + line);
			}
			var labels = new LinkedHashMap<String, String>();
			if (m.group(2) != null) {
				Matcher l = LABEL.matcher(m.group(2));
				while (l.find()) {
					labels.put(l.group(1), l.group(2));
				}
			}
			samples.add(new Sample(m.group(1), labels, value(m.group(3))));
		}
		return new Scrape(text, List.copyOf(samples));
	}

	private static double value(String text) {
		return switch (text) {
			case "+Inf" -> Double.POSITIVE_INFINITY;
			case "-Inf" -> Double.NEGATIVE_INFINITY;
			default -> Double.parseDouble(text);
		};
	}

	public String text() {
		return text;
	}

	/** The names of every sample, such as {@code plangate_decision_seconds_bucket}. */
	public Set<String> names() {
		var names = new LinkedHashSet<String>();
		samples.forEach(s -> names.add(s.name()));
		return names;
	}

	/** The samples of {@code name} carrying every label given (others may differ). */
	public List<Sample> samples(String name, Map<String, String> labels) {
		return samples.stream()
			.filter(s -> s.name().equals(name) && s.labels().entrySet().containsAll(labels.entrySet()))
			.toList();
	}

	/** The sum of the samples of {@code name} carrying every label given; 0 for none. */
	public double sum(String name, Map<String, String> labels) {
		return samples(name, labels).stream().mapToDouble(Sample::value).sum();
	}

}
