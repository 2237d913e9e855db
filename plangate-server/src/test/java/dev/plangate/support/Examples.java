package dev.plangate.support;

/** The repository's example catalogs (examples/), where surefire says they are. */
public final class Examples {

	private Examples() {
	}

	/**
	 * The path of the example catalog {@code fileName}: in {@code PLANGATE_EXAMPLES_DIR}
	 * when surefire sets it, else beside the module.
	 */
	public static String file(String fileName) {
		String dir = System.getenv("PLANGATE_EXAMPLES_DIR");
		return (dir == null || dir.isBlank() ? "../examples" : dir) + "/" + fileName;
	}

}
