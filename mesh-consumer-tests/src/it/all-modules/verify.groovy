// What a user's build downloads with mesh4j: besides each module's jar and (flattened) POM, its
// sources and javadoc jars; and POMs that name no parent and carry license, SCM and developers.
// the mesh4j version this project imports (its pom.xml was filtered by invoker)
def version = new groovy.xml.XmlSlurper().parse(new File(basedir, 'pom.xml'))
    .dependencyManagement.dependencies.dependency[0].version.text()
def staging = new File(localRepositoryPath, 'io/mesh4j')
def modules = ['mesh-core', 'mesh-tls', 'mesh-discovery', 'mesh-discovery-kubernetes',
               'mesh-resilience', 'mesh-tracing', 'mesh-testing']
def names = ['mesh-core': 'io.mesh4j.core', 'mesh-tls': 'io.mesh4j.tls', 'mesh-discovery': 'io.mesh4j.discovery',
             'mesh-discovery-kubernetes': 'io.mesh4j.discovery.kubernetes', 'mesh-resilience': 'io.mesh4j.resilience',
             'mesh-tracing': 'io.mesh4j.tracing', 'mesh-testing': 'io.mesh4j.testing']
def problems = []
modules.each { m ->
  def dir = new File(staging, "${m}/${version}")
  ['', '-sources', '-javadoc'].each { c ->
    def jar = new File(dir, "${m}-${version}${c}.jar")
    if (!jar.isFile() || jar.length() == 0) problems << "missing ${jar}"
  }
  def jar = new java.util.jar.JarFile(new File(dir, "${m}-${version}.jar"))
  def name = jar.manifest.mainAttributes.getValue('Automatic-Module-Name')
  jar.close()
  if (name != names[m]) problems << "${m}: Automatic-Module-Name is ${name}, expected ${names[m]}"
  def pom = new File(dir, "${m}-${version}.pom").text
  if (pom.contains('<parent>')) problems << "${m}: installed POM names a parent (not flattened)"
  if (pom.contains('${')) problems << "${m}: installed POM has an unresolved \${...}"
  ['<license>', 'Apache-2.0', '<scm>', '<developers>', '<url>'].each { e ->
    if (!pom.contains(e)) problems << "${m}: installed POM lacks ${e}"
  }
}
def bom = new File(staging, "mesh-bom/${version}/mesh-bom-${version}.pom").text
if (bom.contains('<parent>')) problems << 'mesh-bom: installed POM names a parent'
if (bom.contains('junit') || bom.contains('<build>')) problems << 'mesh-bom: installed POM carries the parent\'s management or build'
// the consumer's tests ran (a build that compiled nothing and ran nothing would pass too)
if (!new File(basedir, 'build.log').text.contains('Tests run: 3, Failures: 0, Errors: 0, Skipped: 0')) {
  problems << 'build.log: the consumer\'s three tests did not run and pass'
}
if (!problems.isEmpty()) throw new AssertionError(problems.join('\n'))
return true
