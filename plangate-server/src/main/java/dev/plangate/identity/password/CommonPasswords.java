package dev.plangate.identity.password;

import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import me.gosimple.nbvcxz.resources.ConfigurationBuilder;
import me.gosimple.nbvcxz.resources.DictionaryUtil;

/**
 * The passwords guessers try first: the 100,000 most common passwords of public breach
 * corpora, as nbvcxz ranks them ({@code dictionaries/passwords.txt}), and this service's
 * own name. A password is one of them if, lower-cased, it is one; or is one followed by
 * up to four digits and symbols ({@code Password1!}); or is one written in leetspeak
 * ({@code p4$$w0rd}), by nbvcxz's table.
 *
 * <p>
 * The list is read once, by {@link CommonPasswordsWarmUp} at start-up or by the first
 * check, whichever comes first: 96,521 entries (lower-cased), about 5.2 MiB of heap.
 */
final class CommonPasswords {

	/** A trailing run of digits and symbols this long or shorter is looked past. */
	static final int MAX_SUFFIX = 4;

	private static final Set<String> CONTEXT = Set.of("plangate");

	private CommonPasswords() {
	}

	/** Whether {@code password} (normalised) is one of the common ones, as said above. */
	static boolean contains(String password) {
		var lower = password.toLowerCase(Locale.ROOT);
		var stem = withoutSuffix(lower);
		for (var candidate : new String[] { lower, stem }) {
			if (Loaded.WORDS.contains(candidate) || Loaded.WORDS.contains(unleet(candidate, 0))
					|| Loaded.WORDS.contains(unleet(candidate, 1))) {
				return true;
			}
		}
		return false;
	}

	/** How many passwords are on the list. */
	static int size() {
		return Loaded.WORDS.size();
	}

	/** {@code lower} without a trailing run of 1 to {@link #MAX_SUFFIX} non-letters. */
	private static String withoutSuffix(String lower) {
		int end = lower.length();
		while (end > 0 && !Character.isLetter(lower.charAt(end - 1))) {
			end--;
		}
		return end > 0 && lower.length() - end <= MAX_SUFFIX ? lower.substring(0, end) : lower;
	}

	/**
	 * {@code text} with each leetspeak character read as a letter: the first of its
	 * readings ({@code choice} 0) or the last (1), as {@code 1} is {@code i} or
	 * {@code l}.
	 */
	private static String unleet(String text, int choice) {
		var out = new StringBuilder(text.length());
		for (int i = 0; i < text.length(); i++) {
			var letters = Loaded.LEET.get(text.charAt(i));
			out.append(letters == null ? text.charAt(i) : letters[choice == 0 ? 0 : letters.length - 1]);
		}
		return out.toString();
	}

	/** Loaded on first use, once. */
	private static final class Loaded {

		static final Set<String> WORDS = load();

		static final Map<Character, Character[]> LEET = ConfigurationBuilder.getDefaultLeetTable();

		private static Set<String> load() {
			var words = new HashSet<String>(CONTEXT);
			for (var word : DictionaryUtil.loadRankedDictionary(DictionaryUtil.passwords).keySet()) {
				words.add(PasswordPolicy.normalize(word).toLowerCase(Locale.ROOT));
			}
			return Set.copyOf(words);
		}

	}

}
