package dev.plangate.platform;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Predicate;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class IdsTest {

	/** Characters around every edge of the three shapes, and a few far from them. */
	private static final String ALPHABET = " !\"#$%&'()*+,-./09:;<=>?@AZ[\\]^_`az{|}~\u007f\u0080\u00e9\u20ac\t\n";

	@Test
	void handWrittenChecksAcceptExactlyWhatThePatternsAccept() {
		var samples = samples();

		agrees(samples, Ids.CUSTOMER_ID, Ids::isCustomerId);
		agrees(samples, Ids.KEY, Ids::isKey);
		agrees(samples, Ids.EVENT_ID, Ids::isEventId);
	}

	@Test
	void lengthsAtAndPastTheirLimits() {
		assertThat(Ids.isCustomerId("a".repeat(200))).isTrue();
		assertThat(Ids.isCustomerId("a".repeat(201))).isFalse();
		assertThat(Ids.isEventId("~".repeat(200))).isTrue();
		assertThat(Ids.isEventId("~".repeat(201))).isFalse();
		assertThat(Ids.isKey("a" + "_".repeat(63))).isTrue();
		assertThat(Ids.isKey("a" + "_".repeat(64))).isFalse();
		assertThat(Ids.isCustomerId("")).isFalse();
		assertThat(Ids.isKey("")).isFalse();
		assertThat(Ids.isEventId("")).isFalse();
	}

	private static void agrees(List<String> samples, String regex, Predicate<String> check) {
		var pattern = Pattern.compile(regex);
		for (var sample : samples) {
			assertThat(check.test(sample)).as("%s against %s", sample, regex)
				.isEqualTo(pattern.matcher(sample).matches());
		}
	}

	private static List<String> samples() {
		var samples = new ArrayList<String>();
		var random = new Random(7);
		for (int i = 0; i < 20_000; i++) {
			var sample = new StringBuilder();
			int length = random.nextInt(4);
			for (int j = 0; j < length; j++) {
				sample.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
			}
			samples.add(sample.toString());
		}
		for (int c = 0; c < 0x300; c++) {
			samples.add(String.valueOf((char) c));
			samples.add("a" + (char) c);
		}
		samples.add("a\uD83D\uDE00");
		return samples;
	}

}
