// The test below ran and passed (a build that ran no test would pass too).
if (!new File(basedir, 'build.log').text.contains('Tests run: 1, Failures: 0, Errors: 0, Skipped: 0')) {
  throw new AssertionError('build.log: the okhttp4-on-classpath test did not run and pass')
}
return true
