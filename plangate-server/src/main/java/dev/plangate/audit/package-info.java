/** The audit log: who changed what, when and from where. */
@NullMarked
package dev.plangate.audit;

import org.jspecify.annotations.NullMarked;
