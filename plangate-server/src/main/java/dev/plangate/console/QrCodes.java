package dev.plangate.console;

import java.util.Map;

import com.google.zxing.BarcodeFormat;
import com.google.zxing.EncodeHintType;
import com.google.zxing.WriterException;
import com.google.zxing.qrcode.QRCodeWriter;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;

/**
 * QR codes drawn as inline SVG: one path of unit squares on a white square, so that a
 * page shows one without a script, an inline style or an image from elsewhere.
 */
final class QrCodes {

	/** The quiet zone around the code, in modules, as the QR standard asks. */
	static final int MARGIN = 4;

	private QrCodes() {
	}

	/**
	 * The SVG of {@code text} as a QR code (error correction level M), labelled for
	 * screen readers by {@code label}. The markup holds only what this method writes: the
	 * text is encoded into squares, never copied in.
	 */
	static String svg(String text, String label) {
		try {
			var matrix = new QRCodeWriter().encode(text, BarcodeFormat.QR_CODE, 0, 0,
					Map.of(EncodeHintType.ERROR_CORRECTION, ErrorCorrectionLevel.M, EncodeHintType.MARGIN, MARGIN));
			int size = matrix.getWidth();
			var path = new StringBuilder(size * size * 3);
			for (int y = 0; y < size; y++) {
				for (int x = 0; x < size; x++) {
					if (matrix.get(x, y)) {
						path.append('M').append(x).append(',').append(y).append("h1v1h-1z");
					}
				}
			}
			return "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"qr\" role=\"img\" viewBox=\"0 0 " + size + " "
					+ size + "\" shape-rendering=\"crispEdges\" aria-label=\"" + escape(label) + "\"><rect width=\""
					+ size + "\" height=\"" + size + "\" fill=\"#fff\"/><path fill=\"#000\" d=\"" + path + "\"/></svg>";
		}
		catch (WriterException ex) {
			throw new IllegalArgumentException("Cannot draw a QR code of " + text.length() + " characters", ex);
		}
	}

	private static String escape(String text) {
		return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
	}

}
