// Test helper: loads keystores with the Java KeyStore API and prints one line per entry, so the
// tests can compare what Java recovers with what sepm-crypto wrote.
//
// Usage: java ReadKeystore.java <type> <file> <storepass> [alias=keypass ...] [-- <type> <file> ...]
// A password written as "hex:<hex>" is the UTF-8 text with those bytes (for non-ASCII passwords).
// Output, tab-separated:
//   FILE <file> <entry count>
//   KEY <alias> <chain length> <sha256 of the key encoding> <key algorithm>
//   CERT <alias> <sha256 of the certificate encoding>
//   SECRET <alias> <sha256 of the key encoding> <key algorithm>
import java.io.FileInputStream;
import java.nio.charset.StandardCharsets;
import java.security.Key;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

public class ReadKeystore {
  static String password(String arg) {
    if (arg.startsWith("hex:")) {
      return new String(HexFormat.of().parseHex(arg.substring(4)), StandardCharsets.UTF_8);
    }
    return arg;
  }

  static String sha256(byte[] data) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
  }

  public static void main(String[] args) throws Exception {
    int i = 0;
    while (i < args.length) {
      String type = args[i++];
      String file = args[i++];
      char[] storePass = password(args[i++]).toCharArray();
      Map<String, char[]> keyPass = new HashMap<>();
      while (i < args.length && !args[i].equals("--")) {
        String a = args[i++];
        int eq = a.indexOf('=');
        keyPass.put(a.substring(0, eq), password(a.substring(eq + 1)).toCharArray());
      }
      i++; // skip "--"
      KeyStore ks = KeyStore.getInstance(type);
      try (FileInputStream in = new FileInputStream(file)) {
        ks.load(in, storePass);
      }
      List<String> aliases = new ArrayList<>(Collections.list(ks.aliases()));
      Collections.sort(aliases);
      System.out.println("FILE\t" + file + "\t" + aliases.size());
      for (String alias : aliases) {
        char[] kp = keyPass.getOrDefault(alias, storePass);
        if (ks.isCertificateEntry(alias)) {
          System.out.println("CERT\t" + alias + "\t" + sha256(ks.getCertificate(alias).getEncoded()));
        } else {
          Key key = ks.getKey(alias, kp);
          Certificate[] chain = ks.getCertificateChain(alias);
          if (chain == null) {
            System.out.println("SECRET\t" + alias + "\t" + sha256(key.getEncoded()) + "\t" + key.getAlgorithm());
          } else {
            System.out.println(
                "KEY\t" + alias + "\t" + chain.length + "\t" + sha256(key.getEncoded()) + "\t" + key.getAlgorithm());
          }
        }
      }
    }
  }
}
