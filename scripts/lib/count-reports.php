<?php
/**
 * Sums the results of machine-readable test reports for scripts/test:
 * JUnit XML (PHPUnit --log-junit, cargo nextest, node --test's junit
 * reporter) and TAP (the shell-level checks). Prints "passed failed skipped".
 *
 * A JUnit test case counts once, as failed when it holds a <failure> or an
 * <error>, as skipped when it holds <skipped>; a suite's own totals are not
 * read, because node nests a test with subtests as a suite and a suite's
 * totals would count those subtests twice. A report that cannot be read
 * counts as one failure, so a crashed runner never reads as green.
 *
 * Usage: php scripts/lib/count-reports.php FILE...
 *
 * @package Wpwa\Scripts
 */

$passed  = 0;
$failed  = 0;
$skipped = 0;

foreach ( array_slice( $argv, 1 ) as $file ) {
	if ( ! is_file( $file ) || 0 === filesize( $file ) ) {
		fwrite( STDERR, "count-reports: no report at $file\n" );
		++$failed;
		continue;
	}
	if ( str_ends_with( $file, '.tap' ) ) {
		foreach ( file( $file, FILE_IGNORE_NEW_LINES ) as $line ) {
			if ( preg_match( '/^not ok \d+/', $line ) ) {
				++$failed;
			} elseif ( preg_match( '/^ok \d+.*#\s*SKIP/i', $line ) ) {
				++$skipped;
			} elseif ( preg_match( '/^ok \d+/', $line ) ) {
				++$passed;
			}
		}
		continue;
	}
	$previous = libxml_use_internal_errors( true );
	$xml      = simplexml_load_file( $file );
	libxml_use_internal_errors( $previous );
	if ( false === $xml ) {
		fwrite( STDERR, "count-reports: $file is not well-formed XML\n" );
		++$failed;
		continue;
	}
	foreach ( $xml->xpath( '//testcase' ) as $case ) {
		if ( count( $case->failure ) > 0 || count( $case->error ) > 0 ) {
			++$failed;
		} elseif ( count( $case->skipped ) > 0 ) {
			++$skipped;
		} else {
			++$passed;
		}
	}
}

printf( "%d %d %d\n", $passed, $failed, $skipped );
