<?php
/**
 * Regenerates wordpress-plugin/wpwa/languages/wpwa.pot without wp-cli.
 *
 * Usage: php wordpress-plugin/tools/make-pot.php
 *
 * Scans every PHP file of the plugin with PHP's tokenizer for the gettext
 * functions of WordPress using the `wpwa` text domain, keeps translator
 * comments, contexts and plurals, and adds the plugin header strings.
 *
 * @package Wpwa\Plugin
 */

if ( PHP_SAPI !== 'cli' ) {
	exit( 1 );
}

$root        = dirname( __DIR__ ) . '/wpwa';
$text_domain = 'wpwa';

// function => list of argument roles.
$keywords = array(
	'__'         => array( 'msgid', 'domain' ),
	'_e'         => array( 'msgid', 'domain' ),
	'esc_html__' => array( 'msgid', 'domain' ),
	'esc_html_e' => array( 'msgid', 'domain' ),
	'esc_attr__' => array( 'msgid', 'domain' ),
	'esc_attr_e' => array( 'msgid', 'domain' ),
	'_x'         => array( 'msgid', 'context', 'domain' ),
	'_ex'        => array( 'msgid', 'context', 'domain' ),
	'esc_html_x' => array( 'msgid', 'context', 'domain' ),
	'esc_attr_x' => array( 'msgid', 'context', 'domain' ),
	'_n'         => array( 'msgid', 'plural', null, 'domain' ),
	'_nx'        => array( 'msgid', 'plural', null, 'context', 'domain' ),
	'_n_noop'    => array( 'msgid', 'plural', 'domain' ),
	'_nx_noop'   => array( 'msgid', 'plural', 'context', 'domain' ),
);

$entries = array();

$add = static function ( array $e ) use ( &$entries ) {
	$key = ( $e['context'] ?? '' ) . "\4" . $e['msgid'];
	if ( ! isset( $entries[ $key ] ) ) {
		$entries[ $key ] = $e + array(
			'refs'     => array(),
			'comments' => array(),
		);
	}
	$entries[ $key ]['refs'][] = $e['ref'];
	if ( ! empty( $e['comment'] ) && ! in_array( $e['comment'], $entries[ $key ]['comments'], true ) ) {
		$entries[ $key ]['comments'][] = $e['comment'];
	}
	if ( isset( $e['plural'] ) ) {
		$entries[ $key ]['plural'] = $e['plural'];
	}
};

// Plugin header.
$main = file_get_contents( $root . '/wpwa.php' );
foreach ( array( 'Plugin Name', 'Description', 'Author' ) as $header ) {
	if ( preg_match( '/^[ \t\/*#@]*' . preg_quote( $header, '/' ) . ':\s*(.+)$/mi', $main, $m ) ) {
		$add(
			array(
				'msgid'   => trim( $m[1] ),
				'ref'     => 'wpwa.php',
				'comment' => $header . ' of the plugin',
			)
		);
	}
}

$files = new RecursiveIteratorIterator( new RecursiveDirectoryIterator( $root, FilesystemIterator::SKIP_DOTS ) );
$paths = array();
foreach ( $files as $file ) {
	if ( 'php' === $file->getExtension() ) {
		$paths[] = $file->getPathname();
	}
}
sort( $paths );

foreach ( $paths as $source_file ) {
	$rel               = substr( $source_file, strlen( $root ) + 1 );
	$tokens            = token_get_all( file_get_contents( $source_file ) );
	$count             = count( $tokens );
	$last_comment      = null;
	$last_comment_line = -10;

	for ( $i = 0; $i < $count; $i++ ) {
		$t = $tokens[ $i ];
		if ( is_array( $t ) && in_array( $t[0], array( T_COMMENT, T_DOC_COMMENT ), true ) ) {
			if ( preg_match( '/translators:\s*(.+?)\s*(\*\/)?$/s', $t[1], $m ) ) {
				$last_comment      = 'translators: ' . trim( preg_replace( '/\s*\n\s*\*?\s*/', ' ', $m[1] ) );
				$last_comment_line = $t[2] + substr_count( $t[1], "\n" );
			}
			continue;
		}
		if ( ! is_array( $t ) || T_STRING !== $t[0] || ! isset( $keywords[ $t[1] ] ) ) {
			continue;
		}
		// Must be a call: next non-whitespace token is "(".
		$j = $i + 1;
		while ( $j < $count && is_array( $tokens[ $j ] ) && T_WHITESPACE === $tokens[ $j ][0] ) {
			++$j;
		}
		if ( '(' !== ( $tokens[ $j ] ?? null ) ) {
			continue;
		}
		$line = $t[2];
		// Collect top-level arguments as literal strings (null when not literal).
		$args  = array();
		$depth = 0;
		$cur   = null;
		$lit   = true;
		for ( $k = $j + 1; $k < $count; $k++ ) {
			$tk = $tokens[ $k ];
			if ( is_array( $tk ) && in_array( $tk[0], array( T_WHITESPACE, T_COMMENT ), true ) ) {
				continue;
			}
			if ( in_array( $tk, array( '(', '[', '{' ), true ) ) {
				++$depth;
				$lit = false;
				continue;
			}
			if ( in_array( $tk, array( ')', ']', '}' ), true ) ) {
				if ( 0 === $depth ) {
					$args[] = $lit ? $cur : null;
					break;
				}
				--$depth;
				continue;
			}
			if ( ',' === $tk && 0 === $depth ) {
				$args[] = $lit ? $cur : null;
				$cur    = null;
				$lit    = true;
				continue;
			}
			if ( 0 === $depth && is_array( $tk ) && T_CONSTANT_ENCAPSED_STRING === $tk[0] && null === $cur ) {
				$cur = stripcslashes( substr( $tk[1], 1, -1 ) );
				if ( "'" === $tk[1][0] ) {
					$cur = str_replace( array( "\\'", '\\\\' ), array( "'", '\\' ), substr( $tk[1], 1, -1 ) );
				}
				continue;
			}
			$lit = false;
		}

		$roles = $keywords[ $t[1] ];
		$e     = array( 'ref' => $rel . ':' . $line );
		foreach ( $roles as $n => $arg_role ) {
			if ( null !== $arg_role ) {
				$e[ $arg_role ] = $args[ $n ] ?? null;
			}
		}
		if ( ( $e['domain'] ?? null ) !== $text_domain || ! is_string( $e['msgid'] ?? null ) || '' === $e['msgid'] ) {
			continue;
		}
		if ( $last_comment && $line - $last_comment_line <= 2 ) {
			$e['comment'] = $last_comment;
		}
		$last_comment = null;
		$add( $e );
	}
}

$q = static function ( string $s ): string {
	$s = addcslashes( $s, "\\\"\t" );
	if ( false !== strpos( $s, "\n" ) ) {
		$parts = explode( "\n", $s );
		$out   = "\"\"\n";
		foreach ( $parts as $n => $p ) {
			$out .= '"' . $p . ( $n < count( $parts ) - 1 ? '\\n' : '' ) . "\"\n";
		}
		return rtrim( $out, "\n" );
	}
	return '"' . $s . '"';
};

$version = preg_match( '/^\s*\*\s*Version:\s*(\S+)/m', $main, $m ) ? $m[1] : '0.0.0';
$out     = '# Copyright (C) ' . gmdate( 'Y' ) . " The wpwa team\n";
$out    .= "# This file is distributed under the GPL-2.0-or-later.\n";
$out    .= "msgid \"\"\nmsgstr \"\"\n";
$out    .= "\"Project-Id-Version: WhatsApp Integration for WooCommerce Marketplaces (wpwa) {$version}\\n\"\n";
$out    .= "\"Report-Msgid-Bugs-To: \\n\"\n";
$out    .= '"POT-Creation-Date: ' . gmdate( 'Y-m-d H:i+0000' ) . "\\n\"\n";
$out    .= "\"MIME-Version: 1.0\\n\"\n";
$out    .= "\"Content-Type: text/plain; charset=UTF-8\\n\"\n";
$out    .= "\"Content-Transfer-Encoding: 8bit\\n\"\n";
$out    .= "\"PO-Revision-Date: YEAR-MO-DA HO:MI+ZONE\\n\"\n";
$out    .= "\"Last-Translator: FULL NAME <EMAIL@ADDRESS>\\n\"\n";
$out    .= "\"Language-Team: LANGUAGE <LL@li.org>\\n\"\n";
$out    .= "\"X-Domain: {$text_domain}\\n\"\n";
$out    .= "\"Plural-Forms: nplurals=INTEGER; plural=EXPRESSION;\\n\"\n";

foreach ( $entries as $e ) {
	$out .= "\n";
	foreach ( $e['comments'] as $c ) {
		$out .= '#. ' . $c . "\n";
	}
	$out .= '#: ' . implode( ' ', array_unique( $e['refs'] ) ) . "\n";
	if ( false !== strpos( $e['msgid'], '%' ) ) {
		$out .= "#, php-format\n";
	}
	if ( isset( $e['context'] ) && is_string( $e['context'] ) ) {
		$out .= 'msgctxt ' . $q( $e['context'] ) . "\n";
	}
	$out .= 'msgid ' . $q( $e['msgid'] ) . "\n";
	if ( isset( $e['plural'] ) && is_string( $e['plural'] ) ) {
		$out .= 'msgid_plural ' . $q( $e['plural'] ) . "\n";
		$out .= "msgstr[0] \"\"\nmsgstr[1] \"\"\n";
	} else {
		$out .= "msgstr \"\"\n";
	}
}

file_put_contents( $root . '/languages/wpwa.pot', $out );
fwrite( STDERR, sprintf( "wpwa.pot: %d strings\n", count( $entries ) ) );
