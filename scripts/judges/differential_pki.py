"""The differential corpus's signers and CMS: a throwaway PKI (RSA, ECDSA, EdDSA keys, a TSA), and CMS
SignedData written by hand in every encoding other signers use (BER indefinite and long lengths, constructed
strings, unsorted or missing signed attributes, encapsulated content), for make_differential_corpus.py.
"""

import datetime as dt
import hashlib

from asn1crypto import algos, cms, keys as akeys, x509 as ax509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

import pyhanko.sign.general  # noqa: F401 (registers signing_certificate_v2 with asn1crypto)

NOW = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


# ---------------------------------------------------------------- PKI


class Pki:
    """A throwaway root CA, signers of every key type, a TSA and an empty CRL."""

    def __init__(self):
        self.ca_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        name = x509.Name([
            x509.NameAttribute(NameOID.COUNTRY_NAME, 'VN'),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, 'Differential corpus (throwaway)'),
            x509.NameAttribute(NameOID.COMMON_NAME, 'Differential Test Root CA'),
        ])
        self.ca_name = name
        self.ca = (
            x509.CertificateBuilder()
            .subject_name(name).issuer_name(name)
            .public_key(self.ca_key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(NOW - dt.timedelta(days=30))
            .not_valid_after(NOW + dt.timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(
                digital_signature=False, content_commitment=False, key_encipherment=False,
                data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
                encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(self.ca_key.public_key()),
                           critical=False)
            .sign(self.ca_key, hashes.SHA256())
        )
        self.signers = {}

    def issue(self, cn, key, *, tsa=False):
        b = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([
                x509.NameAttribute(NameOID.COUNTRY_NAME, 'VN'),
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, 'UBND tỉnh Thử Nghiệm'),
                x509.NameAttribute(NameOID.COMMON_NAME, cn),
            ]))
            .issuer_name(self.ca_name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(NOW - dt.timedelta(days=10))
            .not_valid_after(NOW + dt.timedelta(days=1000))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                self.ca_key.public_key()), critical=False)
            .add_extension(x509.CRLDistributionPoints([x509.DistributionPoint(
                full_name=[x509.UniformResourceIdentifier('http://crl.invalid/root.crl')],
                relative_name=None, reasons=None, crl_issuer=None)]), critical=False)
        )
        if tsa:
            b = b.add_extension(x509.KeyUsage(
                digital_signature=True, content_commitment=False, key_encipherment=False,
                data_encipherment=False, key_agreement=False, key_cert_sign=False, crl_sign=False,
                encipher_only=False, decipher_only=False), critical=True)
            b = b.add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]),
                                critical=True)
        else:
            b = b.add_extension(x509.KeyUsage(
                digital_signature=True, content_commitment=True, key_encipherment=False,
                data_encipherment=False, key_agreement=False, key_cert_sign=False, crl_sign=False,
                encipher_only=False, decipher_only=False), critical=True)
        return b.sign(self.ca_key, hashes.SHA256())

    def signer(self, kind):
        """kind: rsa2048, rsa3072, p256, p384, ed25519, ed448, tsa, other-rsa."""
        if kind in self.signers:
            return self.signers[kind]
        if kind.startswith('rsa') or kind in ('tsa', 'other-rsa'):
            bits = 3072 if kind == 'rsa3072' else 2048
            key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
        elif kind == 'p256':
            key = ec.generate_private_key(ec.SECP256R1())
        elif kind == 'p384':
            key = ec.generate_private_key(ec.SECP384R1())
        elif kind == 'ed25519':
            key = ed25519.Ed25519PrivateKey.generate()
        elif kind == 'ed448':
            key = ed448.Ed448PrivateKey.generate()
        else:
            raise ValueError(kind)
        names = {
            'rsa2048': 'Nguyễn Văn An (RSA 2048)', 'rsa3072': 'Trần Thị Bình (RSA 3072)',
            'p256': 'Lê Văn Cường (ECDSA P-256)', 'p384': 'Phạm Thị Dung (ECDSA P-384)',
            'ed25519': 'Hoàng Văn Em (Ed25519)', 'ed448': 'Vũ Thị Giang (Ed448)',
            'tsa': 'Dịch vụ cấp dấu thời gian thử', 'other-rsa': 'Kẻ mạo danh (khoá khác)',
        }
        cert = self.issue(names[kind], key, tsa=(kind == 'tsa'))
        s = Signer(kind, key, cert, [self.ca])
        self.signers[kind] = s
        return s

    def crl(self):
        return (
            x509.CertificateRevocationListBuilder()
            .issuer_name(self.ca_name)
            .last_update(NOW - dt.timedelta(days=1))
            .next_update(NOW + dt.timedelta(days=30))
            .sign(self.ca_key, hashes.SHA256())
        )


class Signer:
    def __init__(self, kind, key, cert, chain):
        self.kind = kind
        self.key = key
        self.cert = cert
        self.chain = chain

    def cert_der(self):
        return self.cert.public_bytes(serialization.Encoding.DER)

    def a_cert(self):
        return ax509.Certificate.load(self.cert_der())

    def a_chain(self):
        return [ax509.Certificate.load(c.public_bytes(serialization.Encoding.DER))
                for c in self.chain]

    def a_key(self):
        der = self.key.private_bytes(serialization.Encoding.DER,
                                     serialization.PrivateFormat.PKCS8,
                                     serialization.NoEncryption())
        return akeys.PrivateKeyInfo.load(der)

    def pyhanko(self, prefer_pss=False, mechanism=None):
        from pyhanko.sign import signers
        from pyhanko_certvalidator.registry import SimpleCertificateStore
        store = SimpleCertificateStore.from_certs(self.a_chain())
        return signers.SimpleSigner(self.a_cert(), self.a_key(), store, prefer_pss=prefer_pss,
                                    signature_mechanism=mechanism)


# ---------------------------------------------------------------- a small ASN.1 tree (for BER)


class Node:
    """A BER/DER element: identifier bytes, and either children (constructed) or a value."""

    def __init__(self, ident, children=None, value=None):
        self.ident = ident
        self.children = children
        self.value = value
        # how to write the length: 'der' (minimal), 'indef' (indefinite), 'long' (4 length octets)
        self.form = 'der'

    @property
    def constructed(self):
        return self.children is not None


def parse_tlv(data, pos=0):
    start = pos
    first = data[pos]
    pos += 1
    if first & 0x1F == 0x1F:
        while data[pos] & 0x80:
            pos += 1
        pos += 1
    ident = data[start:pos]
    ln = data[pos]
    pos += 1
    if ln == 0x80:
        children = []
        while data[pos:pos + 2] != b'\x00\x00':
            child, pos = parse_tlv(data, pos)
            children.append(child)
        n = Node(ident, children)
        n.form = 'indef'
        return n, pos + 2
    if ln & 0x80:
        k = ln & 0x7F
        ln = int.from_bytes(data[pos:pos + k], 'big')
        pos += k
    body = data[pos:pos + ln]
    end = pos + ln
    if first & 0x20:
        children = []
        p = 0
        while p < len(body):
            child, p = parse_tlv(body, p)
            children.append(child)
        return Node(ident, children), end
    return Node(ident, value=body), end


def encode_len(n, form):
    if form == 'long':
        return b'\x84' + n.to_bytes(4, 'big')
    if n < 0x80:
        return bytes([n])
    b = n.to_bytes((n.bit_length() + 7) // 8, 'big')
    return bytes([0x80 | len(b)]) + b


def write_tlv(node):
    if node.constructed:
        body = b''.join(write_tlv(c) for c in node.children)
        if node.form == 'indef':
            return node.ident + b'\x80' + body + b'\x00\x00'
    else:
        body = node.value
    return node.ident + encode_len(len(body), node.form) + body


def set_form(node, form, skip=()):
    """Sets the length form of node and every constructed descendant, except the nodes in skip."""
    if any(node is s for s in skip):
        return
    if node.constructed:
        node.form = form if form != 'long' else 'long'
        for c in node.children:
            set_form(c, form, skip)
    elif form == 'long':
        node.form = 'long'


def constructed_octets(node, chunk=16):
    """A primitive OCTET STRING turned into a BER constructed one, in chunks."""
    v = node.value
    node.ident = b'\x24'
    node.children = [Node(b'\x04', value=v[i:i + chunk]) for i in range(0, len(v), chunk)]
    node.value = None
    node.form = 'indef'


# ---------------------------------------------------------------- CMS by hand

HASHES = {'sha256': hashes.SHA256, 'sha384': hashes.SHA384, 'sha512': hashes.SHA512}


def digest(md, data):
    if md == 'shake256':
        return hashlib.shake_256(data).digest(64)
    return hashlib.new(md, data).digest()


def raw_sign(signer, md, message, pss=False):
    """(signature algorithm identifier, signature) of message."""
    k = signer.key
    if isinstance(k, rsa.RSAPrivateKey):
        h = HASHES[md]()
        if pss:
            sig = k.sign(message, padding.PSS(mgf=padding.MGF1(h), salt_length=h.digest_size), h)
            params = algos.RSASSAPSSParams({
                'hash_algorithm': {'algorithm': md},
                'mask_gen_algorithm': {'algorithm': 'mgf1', 'parameters': {'algorithm': md}},
                'salt_length': h.digest_size,
            })
            return algos.SignedDigestAlgorithm({'algorithm': 'rsassa_pss', 'parameters': params}), sig
        sig = k.sign(message, padding.PKCS1v15(), h)
        return algos.SignedDigestAlgorithm({'algorithm': md + '_rsa'}), sig
    if isinstance(k, ec.EllipticCurvePrivateKey):
        sig = k.sign(message, ec.ECDSA(HASHES[md]()))
        return algos.SignedDigestAlgorithm({'algorithm': md + '_ecdsa'}), sig
    if isinstance(k, ed25519.Ed25519PrivateKey):
        return algos.SignedDigestAlgorithm({'algorithm': 'ed25519'}), k.sign(message)
    if isinstance(k, ed448.Ed448PrivateKey):
        return algos.SignedDigestAlgorithm({'algorithm': 'ed448'}), k.sign(message)
    raise ValueError(k)


def attr(name, value):
    return cms.CMSAttribute({'type': name, 'values': [value]})


def build_cms(signer, md, document, *, signed_attrs=True, pss=False, econtent=None,
              ess=True, unsorted_attrs=False, ber=None, constructed_sig=False, bad_attrs=False):
    """A detached CMS SignedData over `document` (the signed bytes), built by hand.

    ber: None (DER), 'outer' (indefinite lengths everywhere but in certificates and signed
    attributes), 'all' (also certificates and signed attributes; the signature is then made over
    the BER bytes of the attributes, as such signers do), 'long' (non-minimal definite lengths
    everywhere but the signed attributes). unsorted_attrs: signed attributes in an order DER
    does not allow (signature over those bytes). bad_attrs: the signature is made, then the
    signed attributes change (a forgery that must be rejected).
    """
    doc_digest = digest(md, document)
    cert = signer.a_cert()
    sid = cms.SignerIdentifier({'issuer_and_serial_number': cms.IssuerAndSerialNumber({
        'issuer': cert.issuer, 'serial_number': cert.serial_number})})
    attrs_node = None
    if signed_attrs:
        attrs = [
            attr('content_type', 'data'),
            attr('message_digest', doc_digest),
        ]
        if ess:
            cert_hash = hashlib.sha256(signer.cert_der()).digest()
            attrs.append(attr('signing_certificate_v2', {
                'certs': [{'cert_hash': cert_hash}]}))
        attrs_der = cms.CMSAttributes(attrs).dump(force=True)
        attrs_node, _ = parse_tlv(attrs_der)
        if unsorted_attrs:
            attrs_node.children.sort(key=write_tlv, reverse=True)
        if ber == 'all':
            set_form(attrs_node, 'indef')
        message = write_tlv(attrs_node)
    else:
        message = document
    sig_alg, signature = raw_sign(signer, md, message, pss=pss)
    if bad_attrs:
        # what is signed is not what is shown: one digest byte changes after signing
        for a in attrs_node.children:
            oid = a.children[0].value
            if oid == bytes.fromhex('2a864886f70d010904'):
                v = a.children[1].children[0]
                v.value = bytes([v.value[0] ^ 1]) + v.value[1:]
    signer_info = cms.SignerInfo({
        'version': 'v1',
        'sid': sid,
        'digest_algorithm': {'algorithm': md},
        'signature_algorithm': sig_alg,
        'signature': signature,
    })
    encap = {'content_type': 'data'}
    if econtent is not None:
        encap['content'] = econtent
    certs = [cert] + [c for c in signer.a_chain()]
    sd = cms.SignedData({
        'version': 'v1',
        'digest_algorithms': [{'algorithm': md}],
        'encap_content_info': encap,
        'certificates': certs,
        'signer_infos': [signer_info],
    })
    ci = cms.ContentInfo({'content_type': 'signed_data', 'content': sd})
    tree, _ = parse_tlv(ci.dump(force=True))
    sd_node = tree.children[1].children[0]
    si_node = sd_node.children[-1].children[0]
    if attrs_node is not None:
        attrs_node.ident = b'\xa0'
        si_node.children.insert(3, attrs_node)
    cert_nodes = []
    for c in sd_node.children:
        if c.ident == b'\xa0':
            cert_nodes = list(c.children)
    if ber == 'outer':
        # as BouncyCastle's streaming generator writes: the wrappers indefinite, certificates and
        # signer infos DER
        set_form(tree, 'indef', skip=cert_nodes + [si_node])
    elif ber == 'signer_info':
        set_form(tree, 'indef', skip=cert_nodes + [si_node.children[1]])
    elif ber == 'certs':
        set_form(tree, 'indef', skip=[si_node])
    elif ber == 'all':
        set_form(tree, 'indef')
    elif ber == 'long':
        set_form(tree, 'long', skip=cert_nodes + ([attrs_node] if attrs_node else []))
    if constructed_sig:
        sig_node = si_node.children[5 if attrs_node is not None else 4]
        constructed_octets(sig_node)
    return write_tlv(tree)
