package dev.plangate.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Map;
import java.util.Random;
import java.util.regex.Pattern;

import com.google.zxing.BinaryBitmap;
import com.google.zxing.NotFoundException;
import com.google.zxing.RGBLuminanceSource;
import com.google.zxing.ChecksumException;
import com.google.zxing.DecodeHintType;
import com.google.zxing.FormatException;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.qrcode.QRCodeReader;
import org.junit.jupiter.api.Test;

class QrCodesTest {

	private static final Pattern SVG = Pattern.compile("<svg[^>]*viewBox=\"0 0 (\\d+) \\d+\"[^>]*>.*?</svg>",
			Pattern.DOTALL);

	private static final String BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

	private static final Pattern MODULE = Pattern.compile("M(\\d+),(\\d+)h1v1h-1z");

	@Test
	void aDrawnCodeReadsBackAsItsText() {
		var text = "otpauth://totp/Plangate:ada%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=Plangate";

		var svg = QrCodes.svg(text, "QR code");

		assertThat(decode(svg)).isEqualTo(text);
		assertThat(svg).startsWith("<svg").contains("role=\"img\"", "aria-label=\"QR code\"").doesNotContain(text);
	}

	@Test
	void everyDrawnSetupLinkReadsBack() {
		var random = new Random(17);
		for (int i = 0; i < 500; i++) {
			var secret = new StringBuilder();
			for (int j = 0; j < 32; j++) {
				secret.append(BASE32.charAt(random.nextInt(BASE32.length())));
			}
			var text = "otpauth://totp/Plangate:user-" + i + "%40example.com?secret=" + secret + "&issuer=Plangate";

			assertThat(decode(QrCodes.svg(text, "QR code"))).isEqualTo(text);
		}
	}

	@Test
	void theLabelIsEscaped() {
		assertThat(QrCodes.svg("x", "a \"b\" <c> & d")).contains("aria-label=\"a &quot;b&quot; &lt;c&gt; &amp; d\"");
	}

	/**
	 * The text of the first QR code drawn by {@link QrCodes} in {@code html}, read back
	 * as a scanner would from its squares, 4 pixels a module. The image is read as a pure
	 * code (upright, unscaled, in its quiet zone), which it is: ZXing's search for finder
	 * patterns in a photograph misses about 1 drawn code in 300, whatever it holds.
	 */
	static String decode(String html) {
		var svg = SVG.matcher(html);
		assertThat(svg.find()).as("an SVG QR code in the page").isTrue();
		int size = Integer.parseInt(svg.group(1));
		int scale = 4;
		var pixels = new int[size * scale * size * scale];
		java.util.Arrays.fill(pixels, 0xFFFFFF);
		var modules = new ArrayList<int[]>();
		var module = MODULE.matcher(svg.group());
		while (module.find()) {
			modules.add(new int[] { Integer.parseInt(module.group(1)), Integer.parseInt(module.group(2)) });
		}
		for (var m : modules) {
			for (int dy = 0; dy < scale; dy++) {
				for (int dx = 0; dx < scale; dx++) {
					pixels[(m[1] * scale + dy) * size * scale + m[0] * scale + dx] = 0;
				}
			}
		}
		var bitmap = new BinaryBitmap(new HybridBinarizer(new RGBLuminanceSource(size * scale, size * scale, pixels)));
		try {
			return new QRCodeReader().decode(bitmap, Map.of(DecodeHintType.PURE_BARCODE, true)).getText();
		}
		catch (NotFoundException | ChecksumException | FormatException ex) {
			throw new AssertionError("The QR code does not read back", ex);
		}
	}

}
