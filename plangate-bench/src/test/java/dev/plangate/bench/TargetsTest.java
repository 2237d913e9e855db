package dev.plangate.bench;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TargetsTest {

	@Test
	void everyTargetIsPrintedWithItsFigureAndPassOrMiss() {
		var targets = new Targets();
		assertThat(targets.ratio("batches >= 1.5x pg-boss", 1.5, 1.5)).isEqualTo("PASS");
		assertThat(targets.ratio("check >= 0.8x ceiling", 0.37, 0.8)).isEqualTo("MISS");
		assertThat(targets.check("check p99 <= 2 ms at half peak", true, "1.204 ms")).isEqualTo("PASS");
		assertThat(targets.notMeasured("ingestion >= 0.8x COPY", "the ingest section did not run")).isEqualTo("MISS");
		var bytes = new ByteArrayOutputStream();
		targets.print(new PrintStream(bytes, true, StandardCharsets.UTF_8));
		assertThat(bytes.toString(StandardCharsets.UTF_8).lines()).containsExactly("== Targets: 2 PASS, 2 MISS",
				"target                                                              measured",
				"batches >= 1.5x pg-boss                                                1.50x  PASS",
				"check >= 0.8x ceiling                                                  0.37x  MISS",
				"check p99 <= 2 ms at half peak                                      1.204 ms  PASS",
				"ingestion >= 0.8x COPY          not measured: the ingest section did not run  MISS", "");
	}

	@Test
	void aRatioThatCouldNotBeComputedIsAMiss() {
		var targets = new Targets();
		assertThat(targets.ratio("consume >= 0.6x ceiling", Double.NaN, 0.6)).isEqualTo("MISS");
	}

	@Test
	void nothingIsPrintedWhenNoSectionHadATarget() {
		var bytes = new ByteArrayOutputStream();
		new Targets().print(new PrintStream(bytes, true, StandardCharsets.UTF_8));
		assertThat(bytes.toString(StandardCharsets.UTF_8)).isEmpty();
	}

}
